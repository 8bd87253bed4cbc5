package org.rcnn4j.onednn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** dnnl_sgemm through the binding against a float64 reference: transposes, odd sizes, offsets, alpha and beta. */
class OneDnnSgemmTest {
    @BeforeEach
    void needsOneDnn() {
        OneDnnTestSupport.requireOneDnn();
    }

    @Test
    void matchesFloat64ReferenceOnOddSizesAndTransposes() {
        Random r = new Random(18);
        int[][] sizes = {{1, 1, 1}, {7, 13, 5}, {33, 17, 129}, {130, 65, 300}, {3, 301, 2}, {64, 1, 77}};
        for (int[] mnk : sizes) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0;
                boolean tb = (t & 2) != 0;
                check(r, mnk[0], mnk[1], mnk[2], ta, tb, 1f, 0f, 2);
                check(r, mnk[0], mnk[1], mnk[2], ta, tb, 0.5f, 1.5f, 1);
            }
        }
    }

    /** C block at an offset with ld > n; everything outside the block keeps its poison. */
    private static void check(Random r, int m, int n, int k, boolean ta, boolean tb, float alpha, float beta,
            int threads) {
        int lda = (ta ? m : k) + 3;
        int ldb = (tb ? k : n) + 2;
        int ldc = n + 5;
        int aOff = 7;
        int bOff = 4;
        int cOff = 9;
        float[] a = random(r, aOff + (ta ? k : m) * lda);
        float[] b = random(r, bOff + (tb ? n : k) * ldb);
        float[] c = random(r, cOff + m * ldc + 11);
        for (int i = 0; i < c.length; i++) {
            boolean inside = i >= cOff && i < cOff + m * ldc && (i - cOff) % ldc < n;
            if (!inside) {
                c[i] = Float.NaN;
            }
        }
        float[] before = c.clone();
        OneDnn.sgemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, threads);
        String what = m + "x" + n + "x" + k + (ta ? " T" : " N") + (tb ? "T" : "N") + " alpha " + alpha + " beta "
                + beta + " threads " + threads;
        for (int i = 0; i < c.length; i++) {
            int rel = i - cOff;
            if (rel < 0 || rel >= m * ldc || rel % ldc >= n) {
                assertTrue(Float.isNaN(c[i]), what + ": wrote outside C at " + i);
                continue;
            }
            int row = rel / ldc;
            int col = rel % ldc;
            double sum = 0;
            double mag = 0;
            for (int kk = 0; kk < k; kk++) {
                double x = a[aOff + (ta ? kk * lda + row : row * lda + kk)];
                double y = b[bOff + (tb ? col * ldb + kk : kk * ldb + col)];
                sum += x * y;
                mag += Math.abs(x * y);
            }
            double want = alpha * sum + beta * (double) before[i];
            double scale = Math.abs(alpha) * mag + Math.abs(beta * (double) before[i]) + 1e-30;
            assertTrue(Math.abs(c[i] - want) <= 2e-5 * scale, what + ": C[" + row + "][" + col + "] = " + c[i]
                    + ", want " + want);
        }
    }

    @Test
    void sameInputsGiveTheSameBitsForAThreadCount() {
        Random r = new Random(7);
        int m = 257;
        int n = 391;
        int k = 1031;
        float[] a = random(r, m * k);
        float[] b = random(r, k * n);
        for (int threads : new int[] {1, 2}) {
            float[] c1 = new float[m * n];
            float[] c2 = new float[m * n];
            OneDnn.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c1, 0, n, threads);
            OneDnn.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c2, 0, n, threads);
            assertArrayEquals(c1, c2, "threads " + threads);
        }
    }

    @Test
    void oneDnnThreadsFollowTheCountOfEachCall() {
        OneDnn.Status s = OneDnn.status();
        if (!s.runtime().equals("OpenMP")) {
            assertEquals(-1, OneDnn.threadsOfCallingThread(), s.describe());
            return;
        }
        assertTrue(s.threadsFollow(), s.describe());
        float[] a = {1f};
        float[] c = new float[1];
        for (int threads : new int[] {1, 3, 2}) {
            OneDnn.sgemm(false, false, 1, 1, 1, 1f, a, 0, 1, a, 0, 1, 0f, c, 0, 1, threads);
            assertEquals(threads, OneDnn.threadsOfCallingThread());
        }
    }

    @Test
    void badArgumentsAreNamed() {
        float[] a = new float[6];
        float[] b = new float[6];
        float[] c = new float[4];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OneDnn.sgemm(false, false, 2, 2, 3, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2, 1));
        assertTrue(e.getMessage().contains("lda must be >= 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> OneDnn.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 1, 2, 0f, c, 0, 2, 1));
        assertTrue(e.getMessage().contains("b (3 x 2, ld 2, offset 1) does not fit its array of 6"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> OneDnn.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2, 0));
        assertTrue(e.getMessage().contains("threads must be >= 1"), e.getMessage());
    }

    @Test
    void statusNamesVersionAndFile() {
        OneDnn.Status s = OneDnn.status();
        assertTrue(s.version().matches("[23]\\.\\d+\\.\\d+"), s.version());
        assertTrue(s.path().contains("libdnnl.so."), s.path());
        assertTrue(s.describe().startsWith("oneDNN " + s.version() + " ("), s.describe());
    }

    private static float[] random(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextFloat() * 2 - 1;
        }
        return x;
    }
}
