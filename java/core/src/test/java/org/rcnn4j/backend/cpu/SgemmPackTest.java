package org.rcnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The packers write each strip exactly as the driver's layout defines it, and a prepacked A hands the driver exactly
 * what packing it on the spot would, whatever the request.
 */
class SgemmPackTest {
    /**
     * B packed from rows (column stride 1) and from columns: element (k0+kk, j0+t*nr+jj) at off + t*nr*kc + kk*nr + jj,
     * zeros past the last column, nothing written outside the strips; panels that start and end off the strip grid.
     */
    @Test
    void stridedBPacksTheDefinedLayout() {
        int k = 70;
        int n = 53;
        float[] data = new float[k * n + 7];
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) rng.nextGaussian();
        }
        // {k0, kc, j0, nc, nr}
        int[][] requests = {{0, k, 0, n, 16}, {3, 40, 5, 48, 16}, {10, 60, 1, 31, 32}, {0, 1, 52, 1, 8},
                {69, 1, 0, 53, 4}, {5, 20, 16, 32, 16}};
        for (boolean transposed : new boolean[] {false, true}) {
            // transposed: the same [k x n] matrix stored column-major (element (kk, j) at 7 + j*k + kk)
            SgemmPack.StridedB b = transposed ? SgemmPack.b(data, 7, 1, k) : SgemmPack.b(data, 7, n, 1);
            for (int[] r : requests) {
                int k0 = r[0];
                int kc = r[1];
                int j0 = r[2];
                int nc = r[3];
                int nr = r[4];
                int strips = (nc + nr - 1) / nr;
                int off = 2;
                float[] want = new float[off + strips * nr * kc + 3];
                Arrays.fill(want, Float.NaN);
                for (int t = 0; t < strips; t++) {
                    for (int kk = 0; kk < kc; kk++) {
                        for (int jj = 0; jj < nr; jj++) {
                            int j = j0 + t * nr + jj;
                            want[off + t * nr * kc + kk * nr + jj] = t * nr + jj < nc
                                    ? data[7 + (transposed ? j * k + k0 + kk : (k0 + kk) * n + j)] : 0f;
                        }
                    }
                }
                float[] got = new float[want.length];
                Arrays.fill(got, Float.NaN);
                b.pack(k0, kc, j0, nc, nr, got, off);
                assertArrayEquals(want, got, (transposed ? "column-major " : "row-major ") + Arrays.toString(r));
                // the driver's entry, with strip rows copied by a kernel: the scalar default, and the Vector API
                // kernel's own copy where its strip width is this request's
                SgemmKernel best = SgemmKernel.best();
                for (SgemmKernel kernel : new SgemmKernel[] {new SgemmStandInKernel(6, nr), best}) {
                    if (kernel.nr() != nr) {
                        continue;
                    }
                    Arrays.fill(got, Float.NaN);
                    b.packFor(kernel, k0, kc, j0, nc, got, off);
                    assertArrayEquals(want, got, kernel.describe() + (transposed ? ", column-major " : ", row-major ")
                            + Arrays.toString(r));
                }
            }
        }
    }

    @Test
    void prepackedMatchesPackingOnTheSpot() {
        int mr = 6;
        int m = 23; // not a multiple of mr: the last strip is zero padded
        int k = SgemmDriver.KC + 37; // two K blocks, the second short
        float[] data = new float[m * k + 5];
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) rng.nextGaussian();
        }
        for (boolean transposed : new boolean[] {false, true}) {
            SgemmDriver.PackA source = transposed ? SgemmPack.a(data, 5, 1, m) : SgemmPack.a(data, 5, k, 1);
            SgemmDriver.PackA pre = SgemmPack.prepacked(source, m, k, mr);
            // {i0, mc, k0, kc, mr}: whole A per block, a row block on the grid, the last rows, then requests off the
            // grid (row start, K start, K length, strip height) that must fall back to the source
            int[][] requests = {{0, m, 0, SgemmDriver.KC, mr}, {0, m, SgemmDriver.KC, 37, mr},
                    {6, 12, 0, SgemmDriver.KC, mr}, {18, 5, SgemmDriver.KC, 37, mr}, {3, 9, 0, SgemmDriver.KC, mr},
                    {0, 12, 10, 50, mr}, {0, m, 0, 100, mr}, {0, m, 0, SgemmDriver.KC, 4}, {6, 7, 0, 20, mr}};
            float[] whole = new float[(m + mr - 1) / mr * mr * k];
            for (int k0 = 0; k0 < k; k0 += SgemmDriver.KC) {
                source.pack(0, m, k0, Math.min(SgemmDriver.KC, k - k0), mr, whole, k0 * ((m + mr - 1) / mr * mr));
            }
            assertArrayEquals(whole, pre.packedWhole(mr), "the whole packed A");
            assertNull(pre.packedWhole(mr + 2), "another strip height has no whole packed A");
            assertNull(source.packedWhole(mr), "an on-demand packer has none");
            for (int[] r : requests) {
                int size = (r[1] + r[4] - 1) / r[4] * r[4] * r[3] + 3;
                float[] want = new float[size];
                float[] got = new float[size];
                Arrays.fill(want, Float.NaN);
                Arrays.fill(got, Float.NaN);
                source.pack(r[0], r[1], r[2], r[3], r[4], want, 3);
                pre.pack(r[0], r[1], r[2], r[3], r[4], got, 3);
                assertArrayEquals(want, got, (transposed ? "transposed " : "") + Arrays.toString(r));
            }
        }
    }
}
