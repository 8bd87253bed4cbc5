package org.rcnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The F32 GEMM computes every element of C with exactly the float operations of its definition: per K block of
 * {@link SgemmDriver#KC}, the block's products summed with fused multiply-adds in k order from zero, then added to
 * C. Checked bit for bit against that definition written as plain loops, on random shapes whose m, n and k are not
 * multiples of any tile or block, single-threaded and split across threads, onto a C that already holds values.
 */
class SgemmBitExactTest {

    /** C[i][j] += sum over K blocks, each block's sum fma-accumulated from zero in k order. */
    private static void reference(int m, int n, int k, float[] a, float[] b, float[] c) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = c[i * n + j];
                for (int k0 = 0; k0 < k; k0 += SgemmDriver.KC) {
                    float s = 0f;
                    for (int kk = k0; kk < Math.min(k, k0 + SgemmDriver.KC); kk++) {
                        s = Math.fma(a[i * k + kk], b[kk * n + j], s);
                    }
                    acc += s;
                }
                c[i * n + j] = acc;
            }
        }
    }

    @Test
    void bestKernelMatchesTheDefinitionBitForBit() {
        SplittableRandom rng = new SplittableRandom(18);
        SgemmKernel best = SgemmKernel.best();
        // fixed edge cases (one row, one column, k one past a block, tiles cut on every side), then random shapes
        int[][] fixed = {{1, 1, 1}, {1, 97, 3}, {97, 1, 257}, {13, 33, 513}, {29, 65, 256}, {200, 7, 300},
                {15, 400, 40}};
        for (int t = 0; t < fixed.length + 12; t++) {
            int m = t < fixed.length ? fixed[t][0] : 1 + rng.nextInt(90);
            int n = t < fixed.length ? fixed[t][1] : 1 + rng.nextInt(130);
            int k = t < fixed.length ? fixed[t][2] : 1 + rng.nextInt(700);
            float[] a = random(rng, m * k);
            float[] b = random(rng, k * n);
            float[] c0 = random(rng, m * n);
            float[] want = c0.clone();
            reference(m, n, k, a, b, want);
            for (boolean parallel : new boolean[] {false, true}) {
                float[] got = c0.clone();
                new SgemmDriver(best).multiply(m, n, k, SgemmPack.a(a, 0, k, 1), SgemmPack.b(b, 0, n, 1), got, 0,
                        n, parallel);
                for (int e = 0; e < want.length; e++) {
                    int ew = Float.floatToRawIntBits(want[e]);
                    int eg = Float.floatToRawIntBits(got[e]);
                    if (ew != eg) {
                        assertEquals(want[e], got[e], best.describe() + ": m=" + m + " n=" + n + " k=" + k
                                + " parallel=" + parallel + " element " + e);
                        assertEquals(ew, eg, "bits of element " + e + " (m=" + m + " n=" + n + " k=" + k + ")");
                    }
                }
            }
        }
    }

    private static float[] random(SplittableRandom rng, int size) {
        float[] f = new float[size];
        for (int i = 0; i < size; i++) {
            f[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return f;
    }
}
