package org.rcnn4j.backend.cpu;

import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.backend.Conv2dShape;

/**
 * conv2d as GEMM without an im2col buffer: packers that read a group's im2col matrix straight from the image, and
 * a col2im sink that scatters tiles of a column-gradient into the input gradient.
 *
 * <p>The im2col matrix of image n, group g has a row r = (ci, ki, kj) per weight tap (ci within the group) and a
 * column p = (y, x) per output pixel; its element is the input at (y*sh - ph + ki*dh, x*sw - pw + kj*dw), zero
 * outside the image. Columns are walked in runs that share an output row y, so each run reads one input row.
 *
 * <p>Columns past the first image's oh*ow continue into the next images (column j is pixel j mod oh*ow of image
 * j / (oh*ow), whose channels start c*h*w further on): one GEMM then covers a whole batch, which is what makes the
 * small maps of late stages and tiny images worth multiplying (a 2x2 map alone is a 4-column GEMM).
 */
final class Conv2dPack {
    private final float[] data;
    private final int offset;
    private final int h;
    private final int w;
    private final int kh;
    private final int kw;
    private final int sh;
    private final int sw;
    private final int ph;
    private final int pw;
    private final int dh;
    private final int dw;
    private final int oh;
    private final int ow;
    private final int pixels;
    private final int imageStride;

    /** Over the images whose channel ci of the group starts at data[offset + n*c*h*w + ci*h*w]. */
    Conv2dPack(float[] data, int offset, Conv2dShape s) {
        Conv2dParams p = s.params();
        this.data = data;
        this.offset = offset;
        this.h = s.h();
        this.w = s.w();
        this.kh = s.kh();
        this.kw = s.kw();
        this.sh = p.strideH();
        this.sw = p.strideW();
        this.ph = p.padH();
        this.pw = p.padW();
        this.dh = p.dilationH();
        this.dw = p.dilationW();
        this.oh = s.oh();
        this.ow = s.ow();
        this.pixels = s.p();
        this.imageStride = s.c() * s.h() * s.w();
    }

    /** B = im2col [kc x p], the forward convolution's right operand. */
    SgemmDriver.PackB im2col() {
        return (k0, kc, j0, nc, nr, dst, off) -> {
            // per row r of the block: its channel's plane and its tap's offset from a window's origin
            int[] plane = new int[kc];
            int[] tapY = new int[kc];
            int[] tapX = new int[kc];
            rowTable(k0, kc, plane, tapY, tapX);
            int[] runStart = new int[nr + 1];
            int[] runImage = new int[nr];
            int[] runY = new int[nr];
            int[] runX = new int[nr];
            for (int t = 0; t * nr < nc; t++) {
                int cols = Math.min(nr, nc - t * nr);
                int base = off + t * nr * kc;
                int runs = 0;
                int p = j0 + t * nr;
                for (int jj = 0; jj < cols; runs++) {
                    int image = p / pixels;
                    int q = p - image * pixels;
                    int y = q / ow;
                    int x = q - y * ow;
                    runStart[runs] = jj;
                    runImage[runs] = image * imageStride;
                    runY[runs] = y * sh - ph;
                    runX[runs] = x * sw - pw;
                    int len = Math.min(cols - jj, ow - x);
                    jj += len;
                    p += len;
                }
                runStart[runs] = cols;
                for (int kk = 0; kk < kc; kk++) {
                    int d = base + kk * nr;
                    for (int q = 0; q < runs; q++) {
                        int jj = runStart[q];
                        int len = runStart[q + 1] - jj;
                        int iy = runY[q] + tapY[kk];
                        if (iy < 0 || iy >= h) {
                            zero(dst, d + jj, len);
                            continue;
                        }
                        int ix = runX[q] + tapX[kk];
                        int row = runImage[q] + plane[kk] + iy * w;
                        if (sw == 1 && ix >= 0 && ix + len <= w) {
                            System.arraycopy(data, row + ix, dst, d + jj, len);
                        } else {
                            gatherRow(row, ix, len, dst, d + jj);
                        }
                    }
                    zero(dst, d + cols, nr - cols);
                }
            }
        };
    }

    /**
     * {@link #im2col()} for small maps, over a zero-padded copy of the first {@code images} images' {@code channels}
     * channels made here: every element of the im2col matrix is then pad[column's window origin + row's tap
     * offset], with no bounds to test. On maps of a few pixels per row the run-by-run packer spent most of a
     * batched convolution's time on runs of one or two elements (32 images 96->128 at 4x4, stride 2: packing
     * took as long as the multiply). Writes the same floats (the padding's zeros are +0, as the other's).
     */
    SgemmDriver.PackB im2colPadded(int images, int channels) {
        return paddedPacker(images, channels, false);
    }

    /**
     * {@link #im2colTransposed()} for small maps, over a zero-padded copy as {@link #im2colPadded}: element (pixel,
     * row) of im2col^T is pad[pixel's window origin + row's tap offset]. Writes the same floats.
     */
    SgemmDriver.PackB im2colTransposedPadded(int images, int channels) {
        return paddedPacker(images, channels, true);
    }

    /**
     * The packer of both: element (k, j) is pad[kOff[k] + jOff[j]], the tap offsets indexed by k and the window
     * origins by j, or the other way round for the transpose.
     */
    private SgemmDriver.PackB paddedPacker(int images, int channels, boolean transposed) {
        float[] pad = paddedCopy(images, channels);
        int[] rowOff = tapOffsets(channels * kh * kw);
        int[] colOff = windowOffsets(images * pixels, channels);
        int[] kOff = transposed ? colOff : rowOff;
        int[] jOff = transposed ? rowOff : colOff;
        return (k0, kc, j0, nc, nr, dst, off) -> {
            for (int t = 0; t * nr < nc; t++) {
                int c0 = j0 + t * nr;
                int cols = Math.min(nr, nc - t * nr);
                int base = off + t * nr * kc;
                for (int kk = 0; kk < kc; kk++) {
                    int d = base + kk * nr;
                    int ko = kOff[k0 + kk];
                    for (int jj = 0; jj < cols; jj++) {
                        dst[d + jj] = pad[ko + jOff[c0 + jj]];
                    }
                    zero(dst, d + cols, nr - cols);
                }
            }
        };
    }

    /**
     * {@link #col2im()} for small maps: the tiles are added into a zero-padded copy of this image region (first
     * {@code images} images, {@code channels} channels), at pad[column's window origin + row's tap offset] with no
     * bounds to test, and {@link PaddedCol2im#finish()} copies the region back. Every element of the region gets
     * its old value plus the same contributions in the same order as through {@link #col2im()} (what lands in the
     * padding is dropped), so the result is bit for bit the same.
     */
    PaddedCol2im col2imPadded(int images, int channels) {
        return new PaddedCol2im(images, channels);
    }

    /** {@link #col2imPadded}'s sink and its copy back. */
    final class PaddedCol2im implements SgemmDriver.TileSink {
        private final int images;
        private final int channels;
        private final float[] pad;
        private final int[] rowOff;
        private final int[] colOff;

        private PaddedCol2im(int images, int channels) {
            this.images = images;
            this.channels = channels;
            this.pad = paddedCopy(images, channels);
            this.rowOff = tapOffsets(channels * kh * kw);
            this.colOff = windowOffsets(images * pixels, channels);
        }

        @Override
        public void add(int i0, int j0, int rows, int cols, float[] tile, int tileOff, int ldt) {
            for (int ii = 0; ii < rows; ii++) {
                int ro = rowOff[i0 + ii];
                int src = tileOff + ii * ldt;
                for (int jj = 0; jj < cols; jj++) {
                    pad[ro + colOff[j0 + jj]] += tile[src + jj];
                }
            }
        }

        /** Copies the region's sums back into the image; call once, after the product. */
        void finish() {
            int wp = w + 2 * pw;
            int planeP = (h + 2 * ph) * wp;
            for (int n = 0; n < images; n++) {
                for (int ci = 0; ci < channels; ci++) {
                    int dst = offset + n * imageStride + ci * h * w;
                    int src = (n * channels + ci) * planeP + ph * wp + pw;
                    for (int iy = 0; iy < h; iy++) {
                        System.arraycopy(pad, src + iy * wp, data, dst + iy * w, w);
                    }
                }
            }
        }
    }

    /** The first {@code images} images' first {@code channels} channels, each plane zero padded by (ph, pw). */
    private float[] paddedCopy(int images, int channels) {
        int wp = w + 2 * pw;
        int planeP = (h + 2 * ph) * wp;
        float[] pad = new float[Math.multiplyExact(Math.multiplyExact(images, channels), planeP)];
        for (int n = 0; n < images; n++) {
            for (int ci = 0; ci < channels; ci++) {
                int src = offset + n * imageStride + ci * h * w;
                int dst = (n * channels + ci) * planeP + ph * wp + pw;
                for (int iy = 0; iy < h; iy++) {
                    System.arraycopy(data, src + iy * w, pad, dst + iy * wp, w);
                }
            }
        }
        return pad;
    }

    /** For im2col rows 0 .. count (channel, tap): the offset of the tap's input from a window's origin in a padded copy. */
    private int[] tapOffsets(int count) {
        int wp = w + 2 * pw;
        int planeP = (h + 2 * ph) * wp;
        int taps = kh * kw;
        int[] off = new int[count];
        for (int r = 0; r < count; r++) {
            int ci = r / taps;
            int tap = r - ci * taps;
            int ki = tap / kw;
            off[r] = ci * planeP + ki * dh * wp + (tap - ki * kw) * dw;
        }
        return off;
    }

    /** For im2col columns 0 .. count (image, output pixel): the window's origin in a padded copy. */
    private int[] windowOffsets(int count, int channels) {
        int wp = w + 2 * pw;
        int planeP = (h + 2 * ph) * wp;
        int[] off = new int[count];
        for (int p = 0; p < count; p++) {
            int image = p / pixels;
            int q = p - image * pixels;
            int y = q / ow;
            off[p] = image * channels * planeP + y * sh * wp + (q - y * ow) * sw;
        }
        return off;
    }

    /** For im2col rows k0 .. k0+kc: the input plane offset of the row's channel and the tap's (dy, dx) offset. */
    private void rowTable(int k0, int kc, int[] plane, int[] tapY, int[] tapX) {
        int taps = kh * kw;
        for (int kk = 0; kk < kc; kk++) {
            int r = k0 + kk;
            int ci = r / taps;
            int tap = r - ci * taps;
            int ki = tap / kw;
            plane[kk] = offset + ci * h * w;
            tapY[kk] = ki * dh;
            tapX[kk] = (tap - ki * kw) * dw;
        }
    }

    /** B = im2col^T [p x kc], the weight gradient's right operand (dW = dY · im2col^T). */
    SgemmDriver.PackB im2colTransposed() {
        return (k0, kc, j0, nc, nr, dst, off) -> {
            int taps = kh * kw;
            for (int t = 0; t * nr < nc; t++) {
                int cols = Math.min(nr, nc - t * nr);
                int base = off + t * nr * kc;
                if (cols < nr) {
                    java.util.Arrays.fill(dst, base, base + nr * kc, 0f);
                }
                for (int jj = 0; jj < cols; jj++) {
                    int r = j0 + t * nr + jj;
                    int ci = r / taps;
                    int tap = r - ci * taps;
                    int ki = tap / kw;
                    int kj = tap - ki * kw;
                    int d = base + jj;
                    int image = k0 / pixels;
                    int q = k0 - image * pixels;
                    int y = q / ow;
                    int x = q - y * ow;
                    for (int left = kc; left > 0; y++, x = 0) {
                        if (y == oh) {
                            image++;
                            y = 0;
                        }
                        int plane = offset + image * imageStride + ci * h * w;
                        int len = Math.min(left, ow - x);
                        left -= len;
                        int iy = y * sh - ph + ki * dh;
                        if (iy < 0 || iy >= h) {
                            for (int l = 0; l < len; l++, d += nr) {
                                dst[d] = 0f;
                            }
                            continue;
                        }
                        int row = plane + iy * w;
                        int ix = x * sw - pw + kj * dw;
                        for (int l = 0; l < len; l++, d += nr, ix += sw) {
                            dst[d] = ix >= 0 && ix < w ? data[row + ix] : 0f;
                        }
                    }
                }
            }
        };
    }

    /**
     * col2im into this image (the input gradient): tile element (r, p) of the column gradient W^T·dY is added at
     * the input pixel im2col reads for (r, p). Rows of one channel (kh*kw taps) only touch that channel's plane.
     */
    SgemmDriver.TileSink col2im() {
        return (i0, j0, rows, cols, tile, tileOff, ldt) -> {
            int taps = kh * kw;
            int image0 = j0 / pixels;
            int q0 = j0 - image0 * pixels;
            int y0 = q0 / ow;
            int x0 = q0 - y0 * ow;
            for (int ii = 0; ii < rows; ii++) {
                int r = i0 + ii;
                int ci = r / taps;
                int tap = r - ci * taps;
                int ki = tap / kw;
                int kj = tap - ki * kw;
                int to = tileOff + ii * ldt;
                int image = image0;
                int y = y0;
                int x = x0;
                for (int l = 0; l < cols; y++, x = 0) {
                    if (y == oh) {
                        image++;
                        y = 0;
                    }
                    int plane = offset + image * imageStride + ci * h * w;
                    int len = Math.min(cols - l, ow - x);
                    int iy = y * sh - ph + ki * dh;
                    if (iy >= 0 && iy < h) {
                        int ix = x * sw - pw + kj * dw;
                        // only the run of q whose pixel lies inside the row: padding taps skip their ends
                        // instead of testing every element
                        int qLo = ix >= 0 ? 0 : (-ix + sw - 1) / sw;
                        int qHi = Math.min(len, w - ix <= 0 ? 0 : (w - ix + sw - 1) / sw);
                        int d = plane + iy * w + ix;
                        int src = to + l;
                        if (sw == 1) {
                            for (int q = qLo; q < qHi; q++) {
                                data[d + q] += tile[src + q];
                            }
                        } else {
                            for (int q = qLo; q < qHi; q++) {
                                data[d + q * sw] += tile[src + q];
                            }
                        }
                    }
                    l += len;
                }
            }
        };
    }

    /** dst[d + l] = row[ix + l*sw] for l &lt; len, zero where ix + l*sw falls outside [0, w). */
    private void gatherRow(int row, int ix, int len, float[] dst, int d) {
        if (sw == 1) {
            int lo = Math.min(len, Math.max(0, -ix));
            int hi = Math.max(lo, Math.min(len, w - ix));
            zero(dst, d, lo);
            if (hi > lo) {
                System.arraycopy(data, row + ix + lo, dst, d + lo, hi - lo);
            }
            zero(dst, d + hi, len - hi);
            return;
        }
        for (int l = 0; l < len; l++, ix += sw) {
            dst[d + l] = ix >= 0 && ix < w ? data[row + ix] : 0f;
        }
    }

    private static void zero(float[] a, int from, int len) {
        for (int i = 0; i < len; i++) {
            a[from + i] = 0f;
        }
    }
}
