package org.rcnn4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/** torch.nn.init's formulas: bounds and spreads from the fans torch computes. */
class InitTest {
    private static final long SEED = 99;

    @Test
    void fansAreTorchs() {
        assertEquals(3 * 49, Init.fanIn(new int[] {64, 3, 7, 7}));
        assertEquals(64 * 49, Init.fanOut(new int[] {64, 3, 7, 7}));
        assertEquals(12544, Init.fanIn(new int[] {1024, 12544}));
        // ConvTranspose2d weight [in, out, k, k]: torch takes dimension 1 as the fan-in
        assertEquals(128 * 4, Init.fanIn(new int[] {256, 128, 2, 2}));
        assertEquals(256 * 4, Init.fanOut(new int[] {256, 128, 2, 2}));
        assertThrows(IllegalArgumentException.class, () -> Init.fanIn(new int[] {5}));
    }

    @Test
    void kaimingUniformBoundIsGainTimesSqrt3OverFanIn() {
        int[] shape = {64, 32, 3, 3};
        double fanIn = 32 * 9;
        // a = sqrt(5): torch's default for Conv2d and Linear, bound 1/sqrt(fan_in)
        assertRange(Init.kaimingUniform(Math.sqrt(5)), shape, 1 / Math.sqrt(fanIn));
        // a = 1 (the FPN): bound sqrt(3/fan_in)
        assertRange(Init.kaimingUniform(1), shape, Math.sqrt(3 / fanIn));
        assertRange(Init.defaultBias(shape), new int[] {64 * 50}, 1 / Math.sqrt(fanIn));
    }

    @Test
    void normalSpreads() {
        int[] shape = {256, 256, 3, 3};
        assertStd(Init.normal(0.01), shape, 0.01);
        assertStd(Init.kaimingNormalFanOutRelu(), shape, Math.sqrt(2.0 / (256 * 9)));
        assertStd(Init.kaimingNormalFanOutRelu(), new int[] {256, 128, 2, 2}, Math.sqrt(2.0 / (256 * 4)));
    }

    @Test
    void constantsFillAnyDtype() {
        assertArrayEquals(new long[] {3, 3}, Init.constant(3).create(DType.I64, new int[] {2}, null).longs());
        assertArrayEquals(new float[] {1, 1}, Init.ones().create(DType.F32, new int[] {2}, null).floats());
        assertEquals(0L, Init.zeros().create(DType.I64, new int[0], null).longs()[0]);
        assertThrows(IllegalArgumentException.class,
                () -> Init.normal(1).create(DType.I64, new int[] {2}, new SplittableRandom(SEED)));
    }

    private static void assertRange(Init init, int[] shape, double bound) {
        float[] v = init.create(DType.F32, shape, new SplittableRandom(SEED)).floats();
        float max = 0;
        for (float x : v) {
            assertTrue(Math.abs(x) <= bound, () -> x + " outside +-" + bound + " (seed " + SEED + ")");
            max = Math.max(max, Math.abs(x));
        }
        assertTrue(max > 0.95 * bound, "the draws reach the bound: max " + max + " vs " + bound);
    }

    private static void assertStd(Init init, int[] shape, double std) {
        Tensor t = init.create(DType.F32, shape, new SplittableRandom(SEED));
        float[] v = t.floats();
        double ss = 0;
        double sum = 0;
        for (float x : v) {
            sum += x;
            ss += (double) x * x;
        }
        double mean = sum / v.length;
        double sd = Math.sqrt(ss / v.length - mean * mean);
        assertEquals(std, sd, 0.03 * std, "std (seed " + SEED + ")");
        assertEquals(0, mean, 5 * std / Math.sqrt(v.length), "mean (seed " + SEED + ")");
    }
}
