package org.rcnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rcnn4j.testing.RandomTensors;

/** ExpF32 gives exactly the floats (float) Math.exp gives, on random, dense and special inputs. */
class ExpF32Test {
    @Test
    void warmUpHandsOverToTheVectorApproximation() throws InterruptedException {
        // surefire runs with --add-modules jdk.incubator.vector, as every launcher should
        assertTrue(ExpApprox.best() instanceof ExpVectorApprox, ExpApprox.best().getClass().getName());
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!(ExpF32.approx() instanceof ExpVectorApprox) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(ExpF32.approx() instanceof ExpVectorApprox, "still on " + ExpF32.approx().getClass().getName()
                + " after 120 s of warm-up");
    }

    @Test
    void bitForBitMathExpOnRandomFloats() {
        RandomTensors r = new RandomTensors();
        SplittableRandom g = r.random();
        int n = 1 << 20;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            // mostly where decode's dw, dh live (clamped at log(1000/16)), some over the whole float range
            x[i] = i % 8 == 0 ? Float.intBitsToFloat(g.nextInt()) : (float) (g.nextDouble() * 20 - 15);
        }
        int fallbacks = check(x, "seed " + r.seed());
        assertTrue(fallbacks < n / 1000, fallbacks + " of " + n + " fell back to Math.exp");
    }

    @Test
    void bitForBitMathExpOnEveryFloatOfAnInterval() {
        // every 4096th float from -1 to 1, and every float of [4.1, 4.2) (around the RPN's clamp)
        int from = Float.floatToRawIntBits(4.1f);
        int to = Float.floatToRawIntBits(4.2f);
        double[] x = new double[to - from];
        for (int i = 0; i < x.length; i++) {
            x[i] = Float.intBitsToFloat(from + i);
        }
        check(x, "[4.1, 4.2)");
        double[] y = new double[(Float.floatToRawIntBits(1f) >> 12) * 2 + 2];
        int m = 0;
        for (int bits = Float.floatToRawIntBits(1f); bits > 0 && m < y.length; bits -= 4096) {
            y[m++] = Float.intBitsToFloat(bits);
            y[m++] = -Float.intBitsToFloat(bits);
        }
        check(java.util.Arrays.copyOf(y, m), "(-1, 1)");
    }

    @Test
    void specialValuesAndTheEdgesOfTheRange() {
        double[] x = {0, -0.0, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 80, -80, 80.00001f,
            -80.00001f, 88.72283f, 88.72284f, -87.33654f, -103.97208f, -104, Float.MAX_VALUE, -Float.MAX_VALUE,
            Float.MIN_VALUE, 1e-30f, (float) Math.log(1000.0 / 16), 0.6931472f, -0.6931472f, 0.34657359f};
        check(x, "special");
    }

    /**
     * Asserts every value, from the vector approximation and from Math.exp's own values (what runs before the
     * warm-up hands over), and returns how many values in range the vector's needed Math.exp for.
     */
    private static int check(double[] x, String what) {
        double[] exact = new double[x.length];
        new ExpApprox.Scalar().exp(x, exact, x.length);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToRawIntBits((float) Math.exp(x[i])),
                    Float.floatToRawIntBits(ExpF32.finish(x[i], exact[i])), what + ": exp(" + x[i] + ") before");
        }
        double[] y = new double[x.length];
        new ExpVectorApprox().exp(x, y, x.length);
        int fallbacks = 0;
        for (int i = 0; i < x.length; i++) {
            float want = (float) Math.exp(x[i]);
            float got = ExpF32.finish(x[i], y[i]);
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got), what + ": exp(" + x[i]
                    + ") = " + want + ", got " + got);
            // in range, the window rarely holds a float boundary: Math.exp is seldom needed
            if (Math.abs(x[i]) <= ExpF32.RANGE && (float) (y[i] - y[i] * 0x1p-40) != (float) (y[i] + y[i] * 0x1p-40)) {
                fallbacks++;
            }
        }
        return fallbacks;
    }
}
