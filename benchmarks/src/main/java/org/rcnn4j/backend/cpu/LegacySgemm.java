package org.rcnn4j.backend.cpu;

import java.util.Arrays;

/**
 * Parts of the CPU GEMM as main had them before issue 18's changes, kept here only so that {@link SgemmAB} and
 * {@link Conv2dBatchedAB} can run old and new side by side in one JVM.
 */
final class LegacySgemm {
    private LegacySgemm() {
    }

    /** B [k x n] with element (k, j) at data[offset + k*rowStride + j]: the old strip-by-strip packer. */
    static SgemmDriver.PackB rowMajorB(float[] data, int offset, int rowStride) {
        return (k0, kc, j0, nc, nr, dst, off) -> {
            for (int t = 0; t * nr < nc; t++) {
                int cols = Math.min(nr, nc - t * nr);
                int base = off + t * nr * kc;
                int first = offset + k0 * rowStride + j0 + t * nr;
                if (cols < nr) {
                    Arrays.fill(dst, base, base + nr * kc, 0f);
                }
                for (int kk = 0; kk < kc; kk++) {
                    System.arraycopy(data, first + kk * rowStride, dst, base + kk * nr, cols);
                }
            }
        };
    }

    /** The sink of {@link ChannelRows} ([c x n*p] over maps of p pixels) as it was: run by run. */
    static SgemmDriver.TileSink channelRowsSink(float[] data, int channels, int pixels) {
        return (i0, j0, rows, cols, tile, tileOff, ldt) -> {
            for (int ii = 0; ii < rows; ii++) {
                for (int jj = 0; jj < cols; ) {
                    int column = j0 + jj;
                    int len = Math.min(cols - jj, pixels - column % pixels);
                    int image = column / pixels;
                    int d = (image * channels + i0 + ii) * pixels + column - image * pixels;
                    int src = tileOff + ii * ldt + jj;
                    for (int l = 0; l < len; l++) {
                        data[d + l] += tile[src + l];
                    }
                    jj += len;
                }
            }
        };
    }
}
