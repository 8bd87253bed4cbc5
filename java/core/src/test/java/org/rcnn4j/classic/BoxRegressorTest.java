package org.rcnn4j.classic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BoxRegressorTest {
    private static final long SEED = 5;

    @Test
    void recoversAKnownLinearMap() {
        int n = 500;
        int d = 6;
        SplittableRandom rng = new SplittableRandom(SEED);
        double[][] truth = new double[4][d + 1];
        for (double[] row : truth) {
            for (int k = 0; k <= d; k++) {
                row[k] = rng.nextDouble() * 2 - 1;
            }
        }
        float[] x = new float[n * d];
        double[] t = new double[n * 4];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                x[i * d + k] = (float) (rng.nextDouble() * 4 - 2);
            }
            for (int j = 0; j < 4; j++) {
                double s = truth[j][d];
                for (int k = 0; k < d; k++) {
                    s += truth[j][k] * x[i * d + k];
                }
                t[4 * i + j] = s;
            }
        }
        BoxRegressor r = BoxRegressor.fit(x, d, IntStream.range(0, n).toArray(), t, 1e-6);
        for (int j = 0; j < 4; j++) {
            assertArrayEquals(truth[j], r.coefficients(j), 1e-4, "target " + j + " seed " + SEED);
        }
        // the intercept is not shrunk: a huge lambda leaves the mean target
        BoxRegressor flat = BoxRegressor.fit(x, d, IntStream.range(0, n).toArray(), t, 1e12);
        for (int j = 0; j < 4; j++) {
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += t[4 * i + j];
            }
            mean /= n;
            double[] c = flat.coefficients(j);
            assertEquals(mean, flat.predict(x, 0)[j], 1e-3, "target " + j);
            for (int k = 0; k < d; k++) {
                assertEquals(0, c[k], 1e-6);
            }
        }
    }

    @Test
    void targetsAndApplyAreInverse() {
        float[] p = {10, 20, 30, 60};
        float[] g = {12.5f, 18, 35, 58};
        double[] t = BoxRegressor.targets(p, g);
        assertArrayEquals(new double[] {(23.75 - 20) / 20, (38 - 40) / 40.0, Math.log(22.5 / 20), Math.log(40 / 40.0)},
                t, 1e-9);
        assertArrayEquals(g, BoxRegressor.apply(p, t), 1e-4f);
        assertArrayEquals(p, BoxRegressor.apply(p, new double[4]), 0f);
        float[] huge = BoxRegressor.apply(p, new double[] {0, 0, 50, 50});
        assertTrue(Float.isFinite(huge[2]) && huge[2] - huge[0] <= 20 * 1000 / 16.0 + 1e-3, "clamped width");
    }
}
