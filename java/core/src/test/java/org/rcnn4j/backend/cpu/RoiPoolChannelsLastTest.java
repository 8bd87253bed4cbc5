package org.rcnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rcnn4j.backend.RoiPoolResult;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.Fixtures;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.RoiTestData;
import org.rcnn4j.testing.TensorAssert;

/**
 * roi_pool's channels-last vector form ({@link RoiPoolChannelsLast}) called directly, not after its warm-up: bit
 * for bit the scalar form's outputs and argmaxes, and torchvision's.
 */
class RoiPoolChannelsLastTest {
    private static final Map<String, Tensor> FIXTURES = Fixtures.load("roi_pool");
    /** The test JVM runs with jdk.incubator.vector, so the vector form must load. */
    private static final RoiPoolChannelsLast VECTOR = RoiPoolChannelsLast.best();

    static Stream<String> cases() {
        return RoiTestData.names(FIXTURES);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTorchvision(String name) {
        assertNotNull(VECTOR, "the Vector API form did not load");
        RoiTestData.Case c = RoiTestData.get(FIXTURES, name);
        RoiPoolResult r = RoiPoolCpu.forward(c.input(), c.boxes(), c.outputHeight(), c.outputWidth(),
                c.spatialScale(), VECTOR);
        TensorAssert.assertExact(name + " argmax", FIXTURES.get(name + ".argmax"), r.argmax());
        TensorAssert.assertExact(name + " output", FIXTURES.get(name + ".output"), r.output());
    }

    /**
     * Channel counts around the vector width (tails), few RoIs (so the work is cut into channel blocks that start
     * inside a vector) and many, values from a small set (ties: the first maximum must win), NaN and -inf
     * sprinkled in, RoIs outside the map and empty bins (RoiTestData's boxes).
     */
    @Test
    void agreesWithTheScalarFormBitForBit() {
        assertNotNull(VECTOR, "the Vector API form did not load");
        RandomTensors rnd = new RandomTensors();
        SplittableRandom r = rnd.random();
        int lanes = VECTOR.lanes();
        for (int c : new int[] {lanes, lanes + 1, 2 * lanes + 3, 3 * lanes - 1, 67}) {
            for (int k : new int[] {1, 3, 40}) {
                int n = 2;
                int h = 9 + r.nextInt(8);
                int w = 11 + r.nextInt(8);
                float[] v = new float[n * c * h * w];
                for (int i = 0; i < v.length; i++) {
                    int pick = r.nextInt(100);
                    v[i] = pick == 0 ? Float.NaN : pick == 1 ? Float.NEGATIVE_INFINITY : r.nextInt(7) - 5;
                }
                Tensor input = Tensor.ofFloats(v, n, c, h, w);
                Tensor boxes = RoiTestData.randomRois(rnd, n, k, w * 4f, h * 4f, DType.F32);
                int ph = 1 + r.nextInt(7);
                int pw = 1 + r.nextInt(7);
                RoiPoolResult want = RoiPoolCpu.forward(input, boxes, ph, pw, 0.25f, null);
                RoiPoolResult got = RoiPoolCpu.forward(input, boxes, ph, pw, 0.25f, VECTOR);
                String what = "seed " + rnd.seed() + " c=" + c + " k=" + k + " " + ph + "x" + pw;
                TensorAssert.assertExact(what + " argmax", want.argmax(), got.argmax());
                TensorAssert.assertExact(what + " output", want.output(), got.output());
            }
        }
    }

    @Test
    void writesEveryOutputElement() {
        assertNotNull(VECTOR, "the Vector API form did not load");
        RandomTensors rnd = new RandomTensors();
        int c = VECTOR.lanes() + 5;
        Tensor input = rnd.normal(1, c, 12, 14);
        Tensor boxes = RoiTestData.randomRois(rnd, 1, 25, 56, 48, DType.F32);
        // poisoned scratch: a bin the kernel failed to reset would carry these into the output
        float[] max = new float[49 * c];
        float[] arg = new float[49 * c];
        java.util.Arrays.fill(max, 1e30f);
        java.util.Arrays.fill(arg, 1e9f);
        int[] rows = new int[14];
        int[] cols = new int[14];
        RoiPoolCpu.binsF(-8f, 200f, 0.25f, 7, 12, rows);
        RoiPoolCpu.binsF(3f, 9f, 0.25f, 7, 14, cols);
        float[] nhwc = new float[c * 12 * 14];
        float[] nchw = input.floats();
        IntStream.range(0, 12 * 14).forEach(cell -> {
            for (int ch = 0; ch < c; ch++) {
                nhwc[cell * c + ch] = nchw[ch * 12 * 14 + cell];
            }
        });
        VECTOR.pool(nhwc, 0, c, 14, rows, cols, 0, c, max, arg);
        for (int i = 0; i < max.length; i++) {
            if (max[i] == 1e30f || arg[i] == 1e9f) {
                throw new AssertionError("element " + i + " of the bins was not written");
            }
        }
        // and the whole op against the scalar form on the same input
        TensorAssert.assertExact("seed " + rnd.seed(), RoiPoolCpu.forward(input, boxes, 7, 7, 0.25f, null).output(),
                RoiPoolCpu.forward(input, boxes, 7, 7, 0.25f, VECTOR).output());
    }
}
