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
import org.rcnn4j.backend.RoiPoolResult;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.Fixtures;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.RoiTestData;
import org.rcnn4j.testing.TensorAssert;

/** roi_pool on the CPU against torchvision 0.14 (fixtures from java/core/src/test/fixtures/gen_roi.py). */
class RoiPoolCpuTest {
    private static final Map<String, Tensor> FIXTURES = Fixtures.load("roi_pool");
    private final Backend cpu = new CpuBackend();

    static Stream<String> cases() {
        return RoiTestData.names(FIXTURES);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forwardMatchesTorchvision(String name) {
        RoiTestData.Case c = RoiTestData.get(FIXTURES, name);
        RoiPoolResult r = cpu.roi().roiPool(c.input(), c.boxes(), c.outputHeight(), c.outputWidth(), c.spatialScale());
        assertEquals(DType.I32, r.argmax().dtype());
        TensorAssert.assertExact(name + " argmax", FIXTURES.get(name + ".argmax"), r.argmax());
        // A max copies an input value: the output is exact, not merely close.
        TensorAssert.assertExact(name + " output", FIXTURES.get(name + ".output"), r.output());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void backwardMatchesTorchvision(String name) {
        RoiTestData.Case c = RoiTestData.get(FIXTURES, name);
        Tensor grad = cpu.roi().roiPoolBackward(FIXTURES.get(name + ".grad_output"), c.boxes(),
                FIXTURES.get(name + ".argmax"), c.input().shape());
        TensorAssert.assertClose(name + " grad_input", FIXTURES.get(name + ".grad_input"), grad,
                TensorAssert.GRADIENT);
    }

    @Test
    void backwardAcceptsI64Argmax() {
        RoiTestData.Case c = RoiTestData.get(FIXTURES, "basic");
        Tensor argmax = FIXTURES.get("basic.argmax");
        long[] wide = new long[argmax.numel()];
        for (int i = 0; i < wide.length; i++) {
            wide[i] = argmax.getLong(i);
        }
        Tensor grad = cpu.roi().roiPoolBackward(FIXTURES.get("basic.grad_output"), c.boxes(),
                Tensor.ofLongs(wide, argmax.shape()), c.input().shape());
        TensorAssert.assertClose("grad_input", FIXTURES.get("basic.grad_input"), grad, TensorAssert.GRADIENT);
    }

    @Test
    void fixturesCoverTiesEmptyBinsAndHalfRounding() {
        int empty = 0;
        Tensor a = FIXTURES.get("basic.argmax");
        for (int i = 0; i < a.numel(); i++) {
            empty += a.getLong(i) == -1 ? 1 : 0;
        }
        assertTrue(empty > 0, "basic has empty bins");
        Tensor boxes = FIXTURES.get("half_rounding.boxes");
        for (int i = 0; i < boxes.size(0); i++) {
            double v = boxes.getDouble(5 * i + 1) * 0.25;
            assertEquals(0.5, Math.abs(v - Math.floor(v)), "half_rounding box " + i + " x1 scales to a half");
        }
    }

    /** Backward is the derivative of forward: central differences in float64 on inputs without near-ties. */
    @Test
    void backwardMatchesFiniteDifferences() {
        RandomTensors rnd = new RandomTensors();
        int n = 2;
        int c = 2;
        int h = 7;
        int w = 6;
        int size = n * c * h * w;
        // Distinct values at least 0.01 apart: a step of 1e-3 never changes which element is the maximum.
        int[] perm = new int[size];
        for (int i = 0; i < size; i++) {
            perm[i] = i;
        }
        for (int i = size - 1; i > 0; i--) {
            int j = rnd.random().nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        double[] x = new double[size];
        for (int i = 0; i < size; i++) {
            x[i] = (perm[i] - size / 2) * 0.01;
        }
        Tensor input = Tensor.ofDoubles(x, n, c, h, w);
        float scale = 0.5f;
        Tensor boxes = RoiTestData.randomRois(rnd, n, 6, w / scale, h / scale, DType.F64);
        int ph = 3;
        int pw = 2;
        Tensor g = RoiTestData.as(rnd.normal(boxes.size(0), c, ph, pw), DType.F64);
        RoiPoolResult fwd = cpu.roi().roiPool(input, boxes, ph, pw, scale);
        Tensor analytic = cpu.roi().roiPoolBackward(g, boxes, fwd.argmax(), input.shape());
        double[] numeric = new double[size];
        double eps = 1e-3;
        for (int i = 0; i < size; i++) {
            double keep = x[i];
            x[i] = keep + eps;
            double plus = dot(cpu.roi().roiPool(input, boxes, ph, pw, scale).output(), g);
            x[i] = keep - eps;
            double minus = dot(cpu.roi().roiPool(input, boxes, ph, pw, scale).output(), g);
            x[i] = keep;
            numeric[i] = (plus - minus) / (2 * eps);
        }
        TensorAssert.assertClose("seed " + rnd.seed() + " grad vs finite differences",
                Tensor.ofDoubles(numeric, input.shape()), analytic, 1e-8);
    }

    @Test
    void channelBlocksAgreeWithOneChannelAtATime() {
        RandomTensors rnd = new RandomTensors();
        int c = 29;
        Tensor input = rnd.normal(2, c, 8, 10);
        Tensor boxes = RoiTestData.randomRois(rnd, 2, 2, 40, 32, DType.F32);
        RoiPoolResult r = cpu.roi().roiPool(input, boxes, 3, 4, 0.25f);
        Tensor g = rnd.normal(2, c, 3, 4);
        Tensor grad = cpu.roi().roiPoolBackward(g, boxes, r.argmax(), input.shape());
        for (int ch = 0; ch < c; ch++) {
            RoiPoolResult one = cpu.roi().roiPool(RoiTestData.channel(input, ch), boxes, 3, 4, 0.25f);
            TensorAssert.assertExact("seed " + rnd.seed() + " channel " + ch, one.output(),
                    RoiTestData.channel(r.output(), ch));
            TensorAssert.assertExact("seed " + rnd.seed() + " argmax " + ch, one.argmax(),
                    RoiTestData.channel(r.argmax(), ch));
            Tensor oneGrad = cpu.roi().roiPoolBackward(RoiTestData.channel(g, ch), boxes, one.argmax(),
                    new int[] {2, 1, 8, 10});
            TensorAssert.assertExact("seed " + rnd.seed() + " grad " + ch, oneGrad, RoiTestData.channel(grad, ch));
        }
    }

    @Test
    void roundsHalvesAwayFromZero() {
        assertEquals(3.0, RoiPoolCpu.roundHalfAwayFromZero(2.5));
        assertEquals(-3.0, RoiPoolCpu.roundHalfAwayFromZero(-2.5));
        assertEquals(0.0, RoiPoolCpu.roundHalfAwayFromZero(0.49999997f));
        assertEquals(0.0, RoiPoolCpu.roundHalfAwayFromZero(0.49999999999999994));
        assertEquals(-1.0, RoiPoolCpu.roundHalfAwayFromZero(-0.5));
    }

    @Test
    void badInputsNameTheArgument() {
        Tensor input = new RandomTensors(1).normal(2, 3, 4, 4);
        Tensor boxes = Tensor.ofFloats(new float[] {1, 0, 0, 2, 2}, 1, 5);
        assertMessageNames("input", () -> cpu.roi().roiPool(input.reshape(6, 4, 4), boxes, 2, 2, 1f));
        assertMessageNames("input", () -> cpu.roi().roiPool(Tensor.zeros(DType.I32, 1, 1, 2, 2), boxes, 2, 2, 1f));
        assertMessageNames("boxes", () -> cpu.roi().roiPool(input, Tensor.zeros(DType.F32, 5), 2, 2, 1f));
        assertMessageNames("boxes", () -> cpu.roi().roiPool(input, Tensor.zeros(DType.F64, 1, 5), 2, 2, 1f));
        assertMessageNames("batch index",
                () -> cpu.roi().roiPool(input, Tensor.ofFloats(new float[] {Float.NaN, 0, 0, 1, 1}, 1, 5), 2, 2, 1f));
        assertMessageNames("output_size", () -> cpu.roi().roiPool(input, boxes, 2, 0, 1f));
        RoiPoolResult ok = cpu.roi().roiPool(input, boxes, 2, 2, 1f);
        Tensor g = Tensor.zeros(DType.F32, 1, 3, 2, 2);
        int[] shape = input.shape();
        assertMessageNames("grad_output",
                () -> cpu.roi().roiPoolBackward(Tensor.zeros(DType.F32, 1, 3, 2), boxes, ok.argmax(), shape));
        assertMessageNames("grad_output",
                () -> cpu.roi().roiPoolBackward(Tensor.zeros(DType.I32, 1, 3, 2, 2), boxes, ok.argmax(), shape));
        assertMessageNames("argmax", () -> cpu.roi().roiPoolBackward(g, boxes, Tensor.zeros(DType.I32, 1, 3, 2, 1),
                shape));
        assertMessageNames("argmax", () -> cpu.roi().roiPoolBackward(g, boxes, Tensor.zeros(DType.F32, 1, 3, 2, 2),
                shape));
        Tensor badIndex = Tensor.zeros(DType.I32, 1, 3, 2, 2);
        badIndex.ints()[5] = 16;
        assertMessageNames("argmax", () -> cpu.roi().roiPoolBackward(g, boxes, badIndex, shape));
        badIndex.ints()[5] = -2;
        assertMessageNames("argmax", () -> cpu.roi().roiPoolBackward(g, boxes, badIndex, shape));
        assertMessageNames("input_shape", () -> cpu.roi().roiPoolBackward(g, boxes, ok.argmax(), null));
    }

    private static double dot(Tensor a, Tensor b) {
        double s = 0;
        for (int i = 0; i < a.numel(); i++) {
            s += a.getDouble(i) * b.getDouble(i);
        }
        return s;
    }
}
