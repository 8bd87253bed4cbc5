package org.rcnn4j.onednn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * oneDNN's convolution passes through the binding against a float64 direct loop over torch's definition: strides,
 * padding, dilation, groups, odd sizes, with and without bias, outputs poisoned with NaN first.
 */
class OneDnnConvTest {
    private static final ConvGeometry[] GEOMETRIES = {
        new ConvGeometry(2, 3, 7, 9, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1),
        new ConvGeometry(3, 16, 9, 8, 32, 3, 3, 2, 2, 1, 1, 1, 1, 1),
        new ConvGeometry(1, 8, 11, 6, 8, 3, 2, 1, 2, 2, 0, 2, 1, 1),
        new ConvGeometry(2, 12, 6, 7, 18, 3, 3, 1, 1, 1, 1, 1, 1, 3),
        new ConvGeometry(2, 8, 5, 5, 8, 3, 3, 1, 1, 1, 1, 1, 1, 8),
        new ConvGeometry(4, 17, 5, 4, 19, 1, 1, 1, 1, 0, 0, 1, 1, 1),
        new ConvGeometry(2, 6, 8, 8, 4, 1, 1, 2, 2, 0, 0, 1, 1, 1),
        new ConvGeometry(1, 3, 20, 22, 16, 7, 7, 2, 2, 3, 3, 1, 1, 1),
    };

    @BeforeEach
    void needsConvolutions() {
        OneDnnTestSupport.requireOneDnn();
        OneDnnTestSupport.requireConvolutions();
    }

    @Test
    void forwardMatchesTheDefinition() {
        Random r = new Random(181);
        for (ConvGeometry g : GEOMETRIES) {
            for (boolean withBias : new boolean[] {false, true}) {
                float[] x = random(r, g.inputSize());
                float[] w = random(r, g.weightSize());
                float[] b = withBias ? random(r, g.o()) : null;
                float[] y = poisoned(g.outputSize());
                OneDnn.convForward(g, x, w, b, y, 2);
                double[][] want = Reference.forward(g, x, w, b);
                assertClose(want, y, 2e-5, "forward " + g + (withBias ? " with bias" : ""));
            }
        }
    }

    @Test
    void forwardInBandsOfRowsMatchesTheDefinition() {
        Random r = new Random(186);
        // one output row per band (every band at a padded edge or inside), then about three bands a problem
        for (long limit : new long[] {1, 0}) {
            for (ConvGeometry g : GEOMETRIES) {
                float[] x = random(r, g.inputSize());
                float[] w = random(r, g.weightSize());
                float[] b = random(r, g.o());
                float[] y = poisoned(g.outputSize());
                long bytes = limit > 0 ? limit : 4 * (g.inputSize() + g.outputSize()) / 3;
                long previous = OneDnnNative.bandBytes(bytes);
                try {
                    OneDnn.convForward(g, x, w, b, y, 2);
                } finally {
                    OneDnnNative.bandBytes(previous);
                }
                assertClose(Reference.forward(g, x, w, b), y, 2e-5, "forward in bands of " + bytes + " bytes " + g);
            }
        }
    }

    @Test
    void backwardDataMatchesTheDefinition() {
        Random r = new Random(182);
        for (ConvGeometry g : GEOMETRIES) {
            float[] dy = random(r, g.outputSize());
            float[] w = random(r, g.weightSize());
            float[] dx = poisoned(g.inputSize());
            OneDnn.convBackwardData(g, dy, w, dx, 2);
            assertClose(Reference.backwardData(g, dy, w), dx, 1e-4, "backward data " + g);
        }
    }

    @Test
    void backwardWeightsMatchesTheDefinition() {
        Random r = new Random(183);
        for (ConvGeometry g : GEOMETRIES) {
            for (boolean withBias : new boolean[] {false, true}) {
                float[] x = random(r, g.inputSize());
                float[] dy = random(r, g.outputSize());
                float[] dw = poisoned(g.weightSize());
                float[] db = withBias ? poisoned(g.o()) : null;
                OneDnn.convBackwardWeights(g, x, dy, dw, db, 2);
                assertClose(Reference.backwardWeights(g, x, dy), dw, 1e-4, "backward weights " + g);
                if (withBias) {
                    assertClose(Reference.biasGradient(g, dy), db, 1e-4, "bias gradient " + g);
                }
            }
        }
    }

    @Test
    void sameInputsGiveTheSameBitsForAThreadCount() {
        Random r = new Random(184);
        ConvGeometry g = new ConvGeometry(4, 32, 14, 14, 48, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        float[] x = random(r, g.inputSize());
        float[] dy = random(r, g.outputSize());
        float[] first = new float[(int) g.weightSize()];
        float[] again = new float[first.length];
        OneDnn.convBackwardWeights(g, x, dy, first, null, 2);
        OneDnn.convBackwardWeights(g, x, dy, again, null, 2);
        assertArrayEquals(first, again);
    }

    @Test
    void aThreadsWorkspaceIsReusedAndFreedWhenTheThreadEndsOrReleasesIt() throws Exception {
        Random r = new Random(185);
        ConvGeometry g = new ConvGeometry(2, 24, 30, 26, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        float[] x = random(r, g.inputSize());
        float[] w = random(r, g.weightSize());
        double[][] want = Reference.forward(g, x, w, null);
        long before = OneDnn.workspaceBytes();
        long[] held = new long[3];
        Throwable[] failure = new Throwable[1];
        Thread worker = new Thread(() -> {
            try {
                float[] y = poisoned(g.outputSize());
                OneDnn.convForward(g, x, w, null, y, 2);
                held[0] = OneDnn.workspaceBytes() - before;
                assertClose(want, y, 2e-5, "forward on a new workspace");
                float[] again = poisoned(g.outputSize());
                OneDnn.convForward(g, x, w, null, again, 2);
                held[1] = OneDnn.workspaceBytes() - before;
                assertArrayEquals(y, again, "the second call on the reused workspace");
                OneDnn.releaseThreadWorkspace();
                held[2] = OneDnn.workspaceBytes() - before;
                float[] afterRelease = poisoned(g.outputSize());
                OneDnn.convForward(g, x, w, null, afterRelease, 2);
                assertClose(want, afterRelease, 2e-5, "forward after releasing the workspace");
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        worker.start();
        worker.join();
        if (failure[0] != null) {
            throw new AssertionError(failure[0]);
        }
        // the blocked input and output alone take more than the plain ones
        long plainBytes = 4 * (g.inputSize() + g.outputSize());
        assertTrue(held[0] >= plainBytes, "workspace after one call: " + held[0] + " bytes");
        assertEquals(held[0], held[1], "a second call of the same size reuses the workspace");
        assertEquals(0, held[2], "releaseThreadWorkspace frees it");
        // the JVM lets join() return before the native thread has finished exiting, where its workspace is freed
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (OneDnn.workspaceBytes() != before && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(before, OneDnn.workspaceBytes(), "the thread's end frees its workspace");
    }

    @Test
    void arraysThatDoNotMatchTheGeometryAreRefusedByName() {
        ConvGeometry g = GEOMETRIES[0];
        float[] x = new float[(int) g.inputSize()];
        float[] w = new float[(int) g.weightSize()];
        float[] y = new float[(int) g.outputSize()];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OneDnn.convForward(g, x, w, new float[g.o() + 1], y, 1));
        assertTrue(e.getMessage().contains("bias must hold " + g.o()), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> OneDnn.convBackwardData(g, y, w, new float[3], 1));
        assertTrue(e.getMessage().contains("convBackwardData: dx must hold"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OneDnn.convForward(g, x, w, null, y, 0));
        assertTrue(e.getMessage().contains("threads must be >= 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new ConvGeometry(1, 6, 4, 4, 4, 3, 3, 1, 1, 0, 0, 1, 1, 4));
        assertTrue(e.getMessage().contains("divisible by groups"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new ConvGeometry(1, 2, 2, 2, 4, 5, 5, 1, 1, 0, 0, 1, 1, 1));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
        assertEquals(2, new ConvGeometry(1, 1, 4, 3, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1).outH());
    }

    private static void assertClose(double[] want, float[] got, double tol, String what) {
        double scale = 0;
        for (double v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < want.length; i++) {
            assertTrue(Math.abs(got[i] - want[i]) <= tol * Math.max(scale, 1e-30),
                    what + ": element " + i + " = " + got[i] + ", want " + want[i]);
        }
    }

    /** want[0] holds the values, want[1] their magnitudes' sums: each element is checked against its own scale. */
    private static void assertClose(double[][] want, float[] got, double tol, String what) {
        for (int i = 0; i < want[0].length; i++) {
            assertTrue(Math.abs(got[i] - want[0][i]) <= tol * (want[1][i] + 1e-30),
                    what + ": element " + i + " = " + got[i] + ", want " + want[0][i]);
        }
    }

    private static float[] random(Random r, long size) {
        float[] a = new float[(int) size];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    private static float[] poisoned(long size) {
        float[] a = new float[(int) size];
        Arrays.fill(a, Float.NaN);
        return a;
    }

    /** torch's conv2d and its gradients, term by term in float64. */
    private static final class Reference {
        /** [values, sums of the terms' magnitudes]. */
        static double[][] forward(ConvGeometry g, float[] x, float[] w, float[] b) {
            int oh = g.outH();
            int ow = g.outW();
            double[] y = new double[(int) g.outputSize()];
            double[] mag = new double[y.length];
            ConvSelfCheck.forEachTerm(g, (yi, xi, wi) -> {
                double t = (double) x[xi] * w[wi];
                y[yi] += t;
                mag[yi] += Math.abs(t);
            });
            if (b != null) {
                for (int k = 0; k < y.length; k++) {
                    int o = k / (oh * ow) % g.o();
                    y[k] += b[o];
                    mag[k] += Math.abs(b[o]);
                }
            }
            return new double[][] {y, mag};
        }

        static double[] backwardData(ConvGeometry g, float[] dy, float[] w) {
            double[] dx = new double[(int) g.inputSize()];
            ConvSelfCheck.forEachTerm(g, (yi, xi, wi) -> dx[xi] += (double) dy[yi] * w[wi]);
            return dx;
        }

        static double[] backwardWeights(ConvGeometry g, float[] x, float[] dy) {
            double[] dw = new double[(int) g.weightSize()];
            ConvSelfCheck.forEachTerm(g, (yi, xi, wi) -> dw[wi] += (double) dy[yi] * x[xi]);
            return dw;
        }

        static double[] biasGradient(ConvGeometry g, float[] dy) {
            double[] db = new double[g.o()];
            int p = g.outH() * g.outW();
            for (int k = 0; k < dy.length; k++) {
                db[k / p % g.o()] += dy[k];
            }
            return db;
        }
    }
}
