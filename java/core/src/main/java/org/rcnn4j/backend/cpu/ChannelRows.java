package org.rcnn4j.backend.cpu;

import java.util.Arrays;

/**
 * A batch of maps [n, c, p] (p pixels per channel) seen as the matrix [c x n*p] whose row r holds channel r of
 * image 0, then of image 1, and so on: the layout of a convolution's output as one GEMM over the whole batch
 * produces it. The matrix is read and written in place through packers and a tile sink, so no reordered copy of
 * the batch is made. Column j is pixel j mod p of image j / p; contiguous runs never cross an image.
 */
final class ChannelRows {
    /** Maps of fewer pixels than this are added to element by element ({@link #sink()}). */
    private static final int SHORT_RUNS_BELOW = 16;
    private final float[] data;
    private final int channels;
    private final int pixels;

    ChannelRows(float[] data, int channels, int pixels) {
        this.data = data;
        this.channels = channels;
        this.pixels = pixels;
    }

    /** Where element (row, column) lives in {@code data}. */
    private int index(int row, int column) {
        int image = column / pixels;
        return (image * channels + row) * pixels + column - image * pixels;
    }

    /** Columns j .. j+len-1 that stay in one image: how many of them, at most len. */
    private int runLength(int column, int len) {
        return Math.min(len, pixels - column % pixels);
    }

    /** This matrix as the A operand [c x n*p] (rows are channels, K runs over the batch's pixels). */
    SgemmDriver.PackA asA() {
        return (i0, mc, k0, kc, mr, dst, off) -> {
            for (int s = 0; s * mr < mc; s++) {
                int rows = Math.min(mr, mc - s * mr);
                int base = off + s * mr * kc;
                if (rows < mr) {
                    Arrays.fill(dst, base, base + mr * kc, 0f);
                }
                int row0 = i0 + s * mr;
                for (int kk = 0; kk < kc; ) {
                    int len = runLength(k0 + kk, kc - kk);
                    for (int ii = 0; ii < rows; ii++) {
                        int src = index(row0 + ii, k0 + kk);
                        int d = base + kk * mr + ii;
                        for (int l = 0; l < len; l++, d += mr) {
                            dst[d] = data[src + l];
                        }
                    }
                    kk += len;
                }
            }
        };
    }

    /** This matrix as the B operand [c x n*p] (K runs over channels, columns over the batch's pixels). */
    SgemmDriver.PackB asB() {
        return (k0, kc, j0, nc, nr, dst, off) -> {
            for (int t = 0; t * nr < nc; t++) {
                int cols = Math.min(nr, nc - t * nr);
                int base = off + t * nr * kc;
                int first = j0 + t * nr;
                for (int kk = 0; kk < kc; kk++) {
                    int d = base + kk * nr;
                    for (int jj = 0; jj < cols; ) {
                        int len = runLength(first + jj, cols - jj);
                        System.arraycopy(data, index(k0 + kk, first + jj), dst, d + jj, len);
                        jj += len;
                    }
                    Arrays.fill(dst, d + cols, d + nr, 0f);
                }
            }
        };
    }

    /** A sink that adds finished tiles of a [c x n*p] product into this matrix. */
    SgemmDriver.TileSink sink() {
        return (i0, j0, rows, cols, tile, tileOff, ldt) -> {
            if (pixels >= SHORT_RUNS_BELOW) {
                for (int ii = 0; ii < rows; ii++) {
                    for (int jj = 0; jj < cols; ) {
                        int len = runLength(j0 + jj, cols - jj);
                        int d = index(i0 + ii, j0 + jj);
                        int src = tileOff + ii * ldt + jj;
                        for (int l = 0; l < len; l++) {
                            data[d + l] += tile[src + l];
                        }
                        jj += len;
                    }
                }
                return;
            }
            // maps of a few pixels: runs of one to a few elements, so each column's place is looked up once per
            // tile instead (element (row, column) at row*pixels + the column's offset); same adds, same order
            int[] colOff = new int[cols];
            for (int jj = 0; jj < cols; jj++) {
                colOff[jj] = index(0, j0 + jj);
            }
            for (int ii = 0; ii < rows; ii++) {
                int rowOff = (i0 + ii) * pixels;
                int src = tileOff + ii * ldt;
                for (int jj = 0; jj < cols; jj++) {
                    data[rowOff + colOff[jj]] += tile[src + jj];
                }
            }
        };
    }
}
