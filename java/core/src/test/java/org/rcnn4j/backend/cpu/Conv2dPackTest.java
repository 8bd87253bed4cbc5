package org.rcnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.backend.Conv2dShape;

/**
 * The padded-copy im2col packers and col2im of small maps write exactly what the run-by-run ones write, and the
 * element-wise sink of {@link ChannelRows} over small maps adds exactly what its definition says.
 */
class Conv2dPackTest {

    private static float[] random(SplittableRandom rng, int size) {
        float[] f = new float[size];
        for (int i = 0; i < size; i++) {
            f[i] = (float) rng.nextGaussian();
        }
        return f;
    }

    /** Strides, paddings, dilation, non-square kernels and maps, batches whose columns cross images. */
    @Test
    void paddedIm2colAndCol2imMatchTheRunByRunOnes() {
        SplittableRandom rng = new SplittableRandom(18);
        // {n, c, h, w, o, kh, kw, stride, padding, dilation}
        int[][] shapes = {{32, 5, 4, 4, 3, 3, 3, 2, 1, 1}, {3, 4, 7, 5, 2, 3, 3, 1, 1, 1}, {2, 3, 9, 8, 2, 3, 2, 2, 2, 2},
                {4, 2, 3, 3, 1, 1, 1, 1, 0, 1}, {2, 6, 6, 6, 1, 5, 5, 3, 2, 1}, {5, 2, 2, 2, 1, 3, 3, 1, 1, 1}};
        for (int[] sh : shapes) {
            Conv2dShape s = Conv2dShape.ofShapes(new int[] {sh[0], sh[1], sh[2], sh[3]},
                    new int[] {sh[4], sh[1], sh[5], sh[6]}, new Conv2dParams(sh[7], sh[7], sh[8], sh[8], sh[9], sh[9], 1));
            int lead = 3; // the images start past the array's start, as a per-image operand's do
            float[] x = random(rng, lead + sh[0] * sh[1] * sh[2] * sh[3]);
            Conv2dPack pack = new Conv2dPack(x, lead, s);
            for (boolean transposed : new boolean[] {false, true}) {
                // im2col [kc x n*p], im2col^T [n*p x kc]
                SgemmDriver.PackB runs = transposed ? pack.im2colTransposed() : pack.im2col();
                SgemmDriver.PackB padded = transposed ? pack.im2colTransposedPadded(s.n(), s.c())
                        : pack.im2colPadded(s.n(), s.c());
                int k = transposed ? s.n() * s.p() : s.kc();
                int n = transposed ? s.kc() : s.n() * s.p();
                // {k0, kc, j0, nc, nr}: the whole matrix, blocks off the strip grid, one row, the last column
                int[][] requests = {{0, k, 0, n, 16},
                        {1, Math.max(1, k - 2), Math.min(3, n - 1), Math.max(1, n - 5), 8}, {k - 1, 1, 0, n, 32},
                        {0, k, n - 1, 1, 4}, {k / 2, k - k / 2, n / 3, n - n / 3, 6}};
                for (int[] r : requests) {
                    int size = 2 + (r[3] + r[4] - 1) / r[4] * r[4] * r[1] + 2;
                    float[] want = new float[size];
                    float[] got = new float[size];
                    Arrays.fill(want, Float.NaN);
                    Arrays.fill(got, Float.NaN);
                    runs.pack(r[0], r[1], r[2], r[3], r[4], want, 2);
                    padded.pack(r[0], r[1], r[2], r[3], r[4], got, 2);
                    assertArrayEquals(want, got, Arrays.toString(sh) + (transposed ? " transposed" : "")
                            + " request " + Arrays.toString(r));
                }
            }
            // col2im: the same tiles, in the same order, into images that already hold values (the sums depend on
            // the order, so equal bits mean the same adds in the same order)
            float[] imgWant = random(rng, x.length);
            float[] imgGot = imgWant.clone();
            SgemmDriver.TileSink direct = new Conv2dPack(imgWant, lead, s).col2im();
            Conv2dPack.PaddedCol2im padded = new Conv2dPack(imgGot, lead, s).col2imPadded(s.n(), s.c());
            int rowsAll = s.kc();
            int colsAll = s.n() * s.p();
            int ldt = 13;
            for (int rep = 0; rep < 3; rep++) {
                for (int i0 = 0; i0 < rowsAll; i0 += 5) {
                    for (int j0 = 0; j0 < colsAll; j0 += ldt) {
                        int rows = Math.min(5, rowsAll - i0);
                        int cols = Math.min(ldt, colsAll - j0);
                        float[] tile = random(rng, 1 + 5 * ldt);
                        direct.add(i0, j0, rows, cols, tile, 1, ldt);
                        padded.add(i0, j0, rows, cols, tile, 1, ldt);
                    }
                }
            }
            padded.finish();
            assertArrayEquals(imgWant, imgGot, Arrays.toString(sh) + " col2im");
        }
    }

    /**
     * Tiles added into [c x n*p] over maps of 1..20 pixels (the element-wise path below 16, runs above): each element
     * once, at its image's channel row.
     */
    @Test
    void channelRowsSinkAddsEachTileElementAtItsPlace() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int pixels : new int[] {1, 3, 4, 15, 16, 20}) {
            int channels = 5;
            int images = 7;
            float[] start = random(rng, images * channels * pixels);
            float[] want = start.clone();
            float[] got = start.clone();
            SgemmDriver.TileSink sink = new ChannelRows(got, channels, pixels).sink();
            int ldt = 11;
            float[] tile = random(rng, 4 * ldt + 2);
            // {i0, j0, rows, cols}
            int total = images * pixels;
            int[][] tiles = {{0, 0, 4, Math.min(11, total)}, {1, Math.max(0, total - 9), 3, Math.min(9, total)},
                    {4, 2, 1, 5}};
            for (int[] t : tiles) {
                sink.add(t[0], t[1], t[2], t[3], tile, 2, ldt);
                for (int ii = 0; ii < t[2]; ii++) {
                    for (int jj = 0; jj < t[3]; jj++) {
                        int column = t[1] + jj;
                        int image = column / pixels;
                        int at = (image * channels + t[0] + ii) * pixels + column % pixels;
                        want[at] += tile[2 + ii * ldt + jj];
                    }
                }
            }
            assertArrayEquals(want, got, "pixels=" + pixels);
        }
    }
}
