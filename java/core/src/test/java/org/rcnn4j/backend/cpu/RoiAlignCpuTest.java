package org.rcnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rcnn4j.testing.ArgumentAssert.assertMessageNames;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.Fixtures;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.RoiTestData;
import org.rcnn4j.testing.TensorAssert;

/** roi_align on the CPU against torchvision 0.14 (fixtures from java/core/src/test/fixtures/gen_roi.py). */
class RoiAlignCpuTest {
    private static final Map<String, Tensor> FIXTURES = Fixtures.load("roi_align");
    private final Backend cpu = new CpuBackend();

    static Stream<String> cases() {
        return RoiTestData.names(FIXTURES);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forwardMatchesTorchvision(String name) {
        RoiTestData.Case c = RoiTestData.get(FIXTURES, name);
        Tensor out = cpu.roi().roiAlign(c.input(), c.boxes(), c.outputHeight(), c.outputWidth(), c.spatialScale(),
                c.samplingRatio(), c.aligned());
        assertEquals(c.input().dtype(), out.dtype());
        TensorAssert.assertClose(name + " output", FIXTURES.get(name + ".output"), out, TensorAssert.FORWARD);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void backwardMatchesTorchvision(String name) {
        RoiTestData.Case c = RoiTestData.get(FIXTURES, name);
        Tensor grad = cpu.roi().roiAlignBackward(FIXTURES.get(name + ".grad_output"), c.boxes(), c.input().shape(),
                c.spatialScale(), c.samplingRatio(), c.aligned());
        TensorAssert.assertClose(name + " grad_input", FIXTURES.get(name + ".grad_input"), grad,
                TensorAssert.GRADIENT);
    }

    @Test
    void fixturesCoverTheCasesThatMatter() {
        // Guards against a regenerated fixture file silently losing the edge cases.
        assertTrue(FIXTURES.get("empty.boxes").size(0) == 0);
        Tensor zeroRoi = FIXTURES.get("adaptive0_aligned.output");
        boolean anyZeroRoi = false;
        int per = zeroRoi.numel() / zeroRoi.size(0);
        for (int r = 0; r < zeroRoi.size(0) && !anyZeroRoi; r++) {
            boolean all = true;
            for (int i = 0; i < per; i++) {
                all &= zeroRoi.getDouble(r * per + i) == 0;
            }
            anyZeroRoi = all;
        }
        assertTrue(anyZeroRoi, "an aligned zero-size RoI with adaptive sampling pools to 0");
    }

    /** Backward is the adjoint of forward: central differences of sum(forward * g) in float64. */
    @ParameterizedTest(name = "sr={0} aligned={1} scale={2}")
    @MethodSource("gradCheckParams")
    void backwardMatchesFiniteDifferences(int samplingRatio, boolean aligned, float scale) {
        RandomTensors rnd = new RandomTensors();
        int n = 2;
        int c = 2;
        int h = 6;
        int w = 7;
        Tensor input = RoiTestData.as(rnd.normal(n, c, h, w), DType.F64);
        Tensor boxes = RoiTestData.randomRois(rnd, n, 5, w / scale, h / scale, DType.F64);
        int ph = 3;
        int pw = 2;
        Tensor g = RoiTestData.as(rnd.normal(boxes.size(0), c, ph, pw), DType.F64);
        Tensor analytic = cpu.roi().roiAlignBackward(g, boxes, input.shape(), scale, samplingRatio, aligned);
        double[] x = input.doubles();
        double[] numeric = new double[x.length];
        double eps = 1e-3; // roi_align is linear in its input: central differences are exact up to rounding
        for (int i = 0; i < x.length; i++) {
            double keep = x[i];
            x[i] = keep + eps;
            double plus = dot(cpu.roi().roiAlign(input, boxes, ph, pw, scale, samplingRatio, aligned), g);
            x[i] = keep - eps;
            double minus = dot(cpu.roi().roiAlign(input, boxes, ph, pw, scale, samplingRatio, aligned), g);
            x[i] = keep;
            numeric[i] = (plus - minus) / (2 * eps);
        }
        TensorAssert.assertClose("seed " + rnd.seed() + " grad vs finite differences",
                Tensor.ofDoubles(numeric, input.shape()), analytic, 1e-8);
    }

    static Stream<Object[]> gradCheckParams() {
        return Stream.of(new Object[] {2, false, 0.5f}, new Object[] {0, true, 0.5f},
                new Object[] {-1, false, 1f / 16}, new Object[] {3, true, 1f});
    }

    /** Many channels and few RoIs split the channels over threads; the result must not depend on the split. */
    @Test
    void channelBlocksAgreeWithOneChannelAtATime() {
        RandomTensors rnd = new RandomTensors();
        int c = 37;
        Tensor input = rnd.normal(1, c, 9, 11);
        Tensor boxes = RoiTestData.randomRois(rnd, 1, 2, 44, 36, DType.F32);
        Tensor g = rnd.normal(2, c, 4, 3);
        Tensor out = cpu.roi().roiAlign(input, boxes, 4, 3, 0.25f, 0, false);
        Tensor grad = cpu.roi().roiAlignBackward(g, boxes, input.shape(), 0.25f, 0, false);
        for (int ch = 0; ch < c; ch++) {
            Tensor one = cpu.roi().roiAlign(RoiTestData.channel(input, ch), boxes, 4, 3, 0.25f, 0, false);
            TensorAssert.assertExact("seed " + rnd.seed() + " channel " + ch, one,
                    RoiTestData.channel(out, ch));
            Tensor oneGrad = cpu.roi().roiAlignBackward(RoiTestData.channel(g, ch), boxes,
                    new int[] {1, 1, 9, 11}, 0.25f, 0, false);
            TensorAssert.assertExact("seed " + rnd.seed() + " grad channel " + ch, oneGrad,
                    RoiTestData.channel(grad, ch));
        }
    }

    @Test
    void nanBoxesPoolToZero() {
        Tensor input = new RandomTensors(7).uniform(1f, 2f, 1, 2, 5, 5);
        float nan = Float.NaN;
        Tensor boxes = Tensor.ofFloats(new float[] {0, nan, 1, 3, 3, 0, 1, nan, 3, 3, 0, nan, nan, nan, nan}, 3, 5);
        for (int sr : new int[] {2, 0}) {
            for (boolean aligned : new boolean[] {false, true}) {
                Tensor out = cpu.roi().roiAlign(input, boxes, 2, 2, 1f, sr, aligned);
                for (int i = 0; i < out.numel(); i++) {
                    assertEquals(0.0, out.getDouble(i), "sr " + sr + " aligned " + aligned + " element " + i);
                }
                Tensor grad = cpu.roi().roiAlignBackward(Tensor.ofFloats(filled(24, 1f), 3, 2, 2, 2), boxes,
                        input.shape(), 1f, sr, aligned);
                TensorAssert.assertNoNaN("grad", grad);
            }
        }
    }

    @Test
    void featureMapWithoutRowsPoolsToZero() {
        Tensor input = Tensor.zeros(DType.F32, 1, 2, 0, 4);
        Tensor boxes = Tensor.ofFloats(new float[] {0, 0, 0, 3, 3}, 1, 5);
        Tensor out = cpu.roi().roiAlign(input, boxes, 2, 2, 1f, 2, false);
        TensorAssert.assertExact("output", Tensor.zeros(DType.F32, 1, 2, 2, 2), out);
    }

    @Test
    void badInputsNameTheArgument() {
        Tensor input = new RandomTensors(1).normal(2, 3, 4, 4);
        Tensor boxes = Tensor.ofFloats(new float[] {1, 0, 0, 2, 2}, 1, 5);
        assertMessageNames("input", () -> cpu.roi().roiAlign(input.reshape(6, 4, 4), boxes, 2, 2, 1f, 2, false));
        assertMessageNames("input", () -> cpu.roi().roiAlign(Tensor.zeros(DType.I64, 1, 1, 2, 2), boxes, 2, 2, 1f, 2,
                false));
        assertMessageNames("boxes", () -> cpu.roi().roiAlign(input, Tensor.zeros(DType.F32, 1, 4), 2, 2, 1f, 2, false));
        assertMessageNames("boxes", () -> cpu.roi().roiAlign(input, Tensor.zeros(DType.F64, 1, 5), 2, 2, 1f, 2, false));
        assertMessageNames("batch index",
                () -> cpu.roi().roiAlign(input, Tensor.ofFloats(new float[] {2, 0, 0, 1, 1}, 1, 5), 2, 2, 1f, 2,
                false));
        assertMessageNames("batch index",
                () -> cpu.roi().roiAlign(input, Tensor.ofFloats(new float[] {-1, 0, 0, 1, 1}, 1, 5), 2, 2, 1f, 2,
                false));
        assertMessageNames("output_size", () -> cpu.roi().roiAlign(input, boxes, 0, 2, 1f, 2, false));
        assertMessageNames("output_size", () -> cpu.roi().roiAlign(input, boxes, 2, -1, 1f, 2, false));
        assertMessageNames("spatial_scale", () -> cpu.roi().roiAlign(input, boxes, 2, 2, Float.NaN, 2, false));
        Tensor g = Tensor.zeros(DType.F32, 1, 3, 2, 2);
        int[] shape = input.shape();
        assertMessageNames("grad_output",
                () -> cpu.roi().roiAlignBackward(Tensor.zeros(DType.F32, 2, 3, 2, 2), boxes, shape, 1f, 2, false));
        assertMessageNames("grad_output",
                () -> cpu.roi().roiAlignBackward(Tensor.zeros(DType.F32, 1, 4, 2, 2), boxes, shape, 1f, 2, false));
        assertMessageNames("grad_output", () -> cpu.roi().roiAlignBackward(g.reshape(3, 2, 2), boxes, shape, 1f, 2,
                false));
        assertMessageNames("boxes", () -> cpu.roi().roiAlignBackward(Tensor.zeros(DType.F64, 1, 3, 2, 2), boxes, shape,
                1f, 2, false));
        assertMessageNames("input_shape", () -> cpu.roi().roiAlignBackward(g, boxes, new int[] {2, 3, 4}, 1f, 2,
                false));
        assertMessageNames("batch index", () -> cpu.roi().roiAlignBackward(g, boxes, new int[] {1, 3, 4, 4}, 1f, 2,
                false));
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    private static double dot(Tensor a, Tensor b) {
        double s = 0;
        for (int i = 0; i < a.numel(); i++) {
            s += a.getDouble(i) * b.getDouble(i);
        }
        return s;
    }
}
