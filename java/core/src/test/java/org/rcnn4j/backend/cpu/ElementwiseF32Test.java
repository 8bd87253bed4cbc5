package org.rcnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The F32 kernels' branch-free forms against their definitions, bit for bit, special values included. */
class ElementwiseF32Test {
    private static final float[] SPECIAL = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1f, -1f,
        Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
        Float.intBitsToFloat(0x7f800001), Float.intBitsToFloat(0x7fffffff), Float.intBitsToFloat(0xff800001),
        Float.intBitsToFloat(0xffffffff), Float.intBitsToFloat(0x7fc00000), Float.intBitsToFloat(0xffc00000)};

    /** threshold_backward(g, y, 0): g where y > 0, else 0, whatever g is (NaN and -0 included). */
    @Test
    void reluBackwardKeepsGradientExactlyWhereOutputIsPositive() {
        SplittableRandom r = new SplittableRandom(20261207);
        int n = SPECIAL.length * SPECIAL.length + (1 << 18); // every pair of special values, then random bits
        float[] g = new float[n];
        float[] y = new float[n];
        int i = 0;
        for (float gs : SPECIAL) {
            for (float ys : SPECIAL) {
                g[i] = gs;
                y[i++] = ys;
            }
        }
        for (; i < n; i++) {
            g[i] = Float.intBitsToFloat(r.nextInt());
            y[i] = Float.intBitsToFloat(r.nextInt());
        }
        float[] out = ElementwiseF32.reluBackward(g, y);
        for (int k = 0; k < n; k++) {
            float expected = y[k] > 0f ? g[k] : 0f;
            int k0 = k;
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out[k]),
                    () -> "g " + g[k0] + " (0x" + Integer.toHexString(Float.floatToRawIntBits(g[k0])) + "), y " + y[k0]
                            + " (0x" + Integer.toHexString(Float.floatToRawIntBits(y[k0])) + ")");
        }
    }
}
