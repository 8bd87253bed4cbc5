package org.rcnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.Fixtures;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.RoiTestData;
import org.rcnn4j.testing.TensorAssert;

/**
 * roi_align's channels-last form ({@link RoiAlignChannelsLast}), chosen whatever the shapes: forward and backward
 * bit for bit the NCHW form's results, and torchvision's within the usual tolerances.
 */
class RoiAlignChannelsLastTest {
    private static final Map<String, Tensor> FIXTURES = Fixtures.load("roi_align");
    /** Channel counts around 8 and 16 (AVX2's and AVX-512's floats a vector), with tails. */
    private static final int[] CHANNELS = {1, 8, 9, 16, 19, 31, 67};

    static Stream<String> cases() {
        return RoiTestData.names(FIXTURES);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTorchvision(String name) {
        RoiTestData.Case c = RoiTestData.get(FIXTURES, name);
        Tensor out = RoiAlignCpu.forward(c.input(), c.boxes(), c.outputHeight(), c.outputWidth(), c.spatialScale(),
                c.samplingRatio(), c.aligned(), true);
        TensorAssert.assertClose(name + " output", FIXTURES.get(name + ".output"), out, TensorAssert.FORWARD);
        Tensor grad = RoiAlignCpu.backward(FIXTURES.get(name + ".grad_output"), c.boxes(), c.input().shape(),
                c.spatialScale(), c.samplingRatio(), c.aligned(), true);
        TensorAssert.assertClose(name + " grad_input", FIXTURES.get(name + ".grad_input"), grad,
                TensorAssert.GRADIENT);
    }

    @Test
    void fixturesIncludeCasesWithChannelsForVectors() {
        assertTrue(cases().anyMatch(n -> {
            Tensor input = RoiTestData.get(FIXTURES, n).input();
            return input.dtype() == DType.F32 && input.size(1) > 16;
        }), "no F32 fixture has more than 16 channels: the test above would not test full vectors and a tail");
    }

    /**
     * Channel counts around the vector width (tails), few RoIs (the work cut into channel blocks that start inside
     * a vector) and many, adaptive and fixed sampling, aligned or not, RoIs outside the map, empty and inverted
     * (RoiTestData's boxes), several RoIs on one image (the backward's scatters add up in a fixed order).
     */
    @Test
    void agreesWithTheScalarFormBitForBit() {
        RandomTensors rnd = new RandomTensors();
        SplittableRandom r = rnd.random();
        for (int c : CHANNELS) {
            for (int k : new int[] {1, 3, 40}) {
                int n = 2;
                int h = 9 + r.nextInt(8);
                int w = 11 + r.nextInt(8);
                Tensor input = rnd.normal(n, c, h, w);
                Tensor boxes = RoiTestData.randomRois(rnd, n, k, w * 4f, h * 4f, DType.F32);
                int ph = 1 + r.nextInt(7);
                int pw = 1 + r.nextInt(7);
                int sampling = r.nextInt(4);
                boolean aligned = r.nextBoolean();
                String what = "seed " + rnd.seed() + " c=" + c + " k=" + k + " " + ph + "x" + pw + " sampling="
                        + sampling + " aligned=" + aligned;
                TensorAssert.assertExact(what + " output",
                        RoiAlignCpu.forward(input, boxes, ph, pw, 0.25f, sampling, aligned, false),
                        RoiAlignCpu.forward(input, boxes, ph, pw, 0.25f, sampling, aligned, true));
                Tensor gradOutput = rnd.normal(k, c, ph, pw);
                TensorAssert.assertExact(what + " grad_input",
                        RoiAlignCpu.backward(gradOutput, boxes, input.shape(), 0.25f, sampling, aligned, false),
                        RoiAlignCpu.backward(gradOutput, boxes, input.shape(), 0.25f, sampling, aligned, true));
            }
        }
    }

    /** Poisoned scratch: a bin or a row the kernel failed to reset would carry the poison into its results. */
    @Test
    void resetsItsScratch() {
        RandomTensors rnd = new RandomTensors();
        int c = 21;
        Tensor input = rnd.normal(1, c, 12, 14);
        float[] nhwc = ChannelsLast.copy(input.floats(), 1, c, 12 * 14);
        RoiAlignTaps ys = new RoiAlignTaps();
        RoiAlignTaps xs = new RoiAlignTaps();
        ys.computeF(-3f, 40f, 0.25f, 7, 2, true, 12);
        xs.computeF(5f, 50f, 0.25f, 7, 2, true, 14);
        ys.strideIndices(14);
        ys.toFloat();
        xs.toFloat();
        float[] bins = new float[49 * c];
        float[] row = new float[c];
        Arrays.fill(bins, 1e30f);
        Arrays.fill(row, 1e30f);
        RoiAlignChannelsLast.forward(nhwc, 0, c, 0, c, ys, xs, bins, row);
        for (int i = 0; i < bins.length; i++) {
            assertFalse(Math.abs(bins[i]) > 1e20f, "seed " + rnd.seed() + ": bin value " + i + " kept the poison");
        }
        float[] grad = new float[nhwc.length];
        Arrays.fill(row, 1e30f);
        RoiAlignChannelsLast.backward(grad, 0, c, 0, c, ys, xs, bins, row);
        for (int i = 0; i < grad.length; i++) {
            assertFalse(Math.abs(grad[i]) > 1e20f, "seed " + rnd.seed() + ": gradient " + i + " kept the poison");
        }
    }

    @Test
    void channelsLastCopiesRoundTrip() {
        RandomTensors rnd = new RandomTensors();
        for (int c : new int[] {1, 63, 64, 65, 130}) {
            Tensor t = rnd.normal(3, c, 5, 7);
            float[] nhwc = ChannelsLast.copy(t.floats(), 3, c, 35);
            assertTrue(nhwc[(2 * 35 + 34) * c + c - 1] == t.floats()[(2 * c + c - 1) * 35 + 34], "c=" + c);
            float[] back = new float[nhwc.length];
            Arrays.fill(back, Float.NaN);
            ChannelsLast.copyBack(nhwc, back, 3, c, 35);
            assertTrue(Arrays.equals(t.floats(), back), "seed " + rnd.seed() + " c=" + c);
        }
    }

    /** The copies cost about a pass over the maps: the channels-last form is taken where the bins outweigh them. */
    @Test
    void channelsLastOnlyWhereTheBinsPayForTheCopies() {
        int[] map = {2, 256, 100, 152};
        assertTrue(RoiAlignCpu.channelsLastPays(map, new int[] {1000, 5}, 49));
        assertFalse(RoiAlignCpu.channelsLastPays(map, new int[] {10, 5}, 49));
        assertFalse(RoiAlignCpu.channelsLastPays(new int[] {2, 7, 100, 152}, new int[] {1000, 5}, 49));
        assertFalse(RoiAlignCpu.channelsLastPays(new int[] {2, 256, 100}, new int[] {1000, 5}, 49));
        assertFalse(RoiAlignCpu.channelsLastPays(null, new int[] {1000, 5}, 49));
    }
}
