package org.rcnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.rcnn4j.backend.cpu.GemmCpuTest.assertMessage;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.rcnn4j.backend.Conv2dGrads;
import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.Fixtures;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.TensorAssert;

class Conv2dCpuTest {
    private static final String CASES = "k3p1,stride2,dilation2,groups2,depthwise,pointwise,pointwise_s2,"
            + "resnet_conv1,rect,nobias,deep";

    private final CpuBackend cpu = new CpuBackend();

    @ParameterizedTest
    @ValueSource(strings = {"k3p1", "stride2", "dilation2", "groups2", "depthwise", "pointwise", "pointwise_s2",
            "resnet_conv1", "rect", "nobias", "deep"})
    void forwardAndGradientsMatchTorch(String name) {
        Map<String, Tensor> f = Fixtures.load("conv_" + name);
        check(name + " f32", f, f.get("input"), f.get("weight"), f.get("bias"), f.get("grad_output"));
        check(name + " f64", f, ConvTestData.toF64(f.get("input")), ConvTestData.toF64(f.get("weight")),
                ConvTestData.toF64(f.get("bias")), ConvTestData.toF64(f.get("grad_output")));
    }

    private void check(String what, Map<String, Tensor> f, Tensor x, Tensor w, Tensor b, Tensor gy) {
        Conv2dParams p = ConvTestData.params(f);
        Tensor y = cpu.conv().conv2d(x, w, b, p);
        assertEquals(x.dtype(), y.dtype(), what);
        TensorAssert.assertClose(what + " output", f.get("output"), y, TensorAssert.FORWARD);
        Conv2dGrads g = cpu.conv().conv2dBackward(gy, x, w, p, b != null);
        TensorAssert.assertClose(what + " grad_input", f.get("grad_input"), g.gradInput(), TensorAssert.GRADIENT);
        TensorAssert.assertClose(what + " grad_weight", f.get("grad_weight"), g.gradWeight(), TensorAssert.GRADIENT);
        if (b != null) {
            TensorAssert.assertClose(what + " grad_bias", f.get("grad_bias"), g.gradBias(), TensorAssert.GRADIENT);
        } else {
            assertNull(g.gradBias(), what + " grad_bias without bias");
        }
    }

    /**
     * Float64 gradients against central differences of L = sum(conv2d(x, w, b) * R): dL/dx, dL/dw, dL/db are the
     * backward pass with grad_output R.
     */
    @ParameterizedTest
    @CsvSource({
            // n, c, h, w, o, kh, kw, sh, sw, ph, pw, dh, dw, groups
            "1, 2, 5, 6, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1",
            "2, 2, 7, 6, 2, 3, 3, 2, 2, 1, 1, 1, 1, 1",
            "1, 2, 7, 8, 2, 3, 2, 1, 2, 2, 1, 2, 3, 1",
            "2, 4, 5, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, 2",
            "1, 3, 5, 4, 3, 3, 3, 1, 1, 1, 1, 1, 1, 3",
            "1, 3, 4, 5, 2, 1, 1, 2, 1, 0, 0, 1, 1, 1",
            "1, 1, 9, 9, 2, 7, 7, 2, 2, 3, 3, 1, 1, 1"})
    void float64GradientsMatchFiniteDifferences(int n, int c, int h, int w, int o, int kh, int kw, int sh, int sw,
            int ph, int pw, int dh, int dw, int groups) {
        Conv2dParams p = new Conv2dParams(sh, sw, ph, pw, dh, dw, groups);
        RandomTensors rnd = new RandomTensors();
        Tensor x = ConvTestData.toF64(rnd.normal(n, c, h, w));
        Tensor wt = ConvTestData.toF64(rnd.normal(o, c / groups, kh, kw));
        Tensor b = ConvTestData.toF64(rnd.normal(o));
        Tensor y = cpu.conv().conv2d(x, wt, b, p);
        Tensor r = ConvTestData.toF64(rnd.normal(y.shape()));
        Conv2dGrads g = cpu.conv().conv2dBackward(r, x, wt, p, true);
        String seed = "seed " + rnd.seed();
        finiteDifference(seed + " grad_input", x, g.gradInput(), () -> loss(cpu.conv().conv2d(x, wt, b, p), r));
        finiteDifference(seed + " grad_weight", wt, g.gradWeight(), () -> loss(cpu.conv().conv2d(x, wt, b, p), r));
        finiteDifference(seed + " grad_bias", b, g.gradBias(), () -> loss(cpu.conv().conv2d(x, wt, b, p), r));
    }

    private static double loss(Tensor y, Tensor r) {
        double s = 0;
        for (int i = 0; i < y.numel(); i++) {
            s += y.doubles()[i] * r.doubles()[i];
        }
        return s;
    }

    private static void finiteDifference(String what, Tensor param, Tensor grad,
            java.util.function.DoubleSupplier loss) {
        double[] v = param.doubles();
        double[] numeric = new double[v.length];
        double eps = 1e-6;
        for (int i = 0; i < v.length; i++) {
            double keep = v[i];
            v[i] = keep + eps;
            double up = loss.getAsDouble();
            v[i] = keep - eps;
            double down = loss.getAsDouble();
            v[i] = keep;
            numeric[i] = (up - down) / (2 * eps);
        }
        TensorAssert.assertClose(what, Tensor.ofDoubles(numeric, param.shape()), grad, 1e-6);
    }

    /**
     * The F32 path (GEMM with packed im2col) against the independent F64 path on random shapes big enough for
     * several GEMM tasks, K blocks, the per-image and per-group parallel splits, ragged edges, and the batched
     * GEMMs (ungrouped, n &gt; 1; the forward only for maps under 128 pixels) whose tiles straddle images.
     */
    @ParameterizedTest
    @CsvSource({
            // n, c, h, w, o, kh, kw, sh, sw, ph, pw, dh, dw, groups
            "1, 16, 23, 37, 20, 3, 3, 1, 1, 1, 1, 1, 1, 1",
            "4, 8, 13, 11, 10, 3, 3, 2, 2, 1, 1, 1, 1, 1",
            "1, 40, 9, 10, 70, 3, 3, 1, 1, 1, 1, 1, 1, 1",
            "2, 12, 17, 15, 12, 3, 3, 1, 1, 2, 2, 2, 2, 4",
            "1, 16, 12, 12, 16, 3, 3, 1, 1, 1, 1, 1, 1, 16",
            "3, 3, 31, 29, 16, 7, 7, 2, 2, 3, 3, 1, 1, 1",
            "1, 64, 9, 14, 33, 1, 1, 1, 1, 0, 0, 1, 1, 1",
            "1, 300, 5, 4, 7, 1, 1, 1, 1, 0, 0, 1, 1, 1",
            "2, 24, 8, 9, 20, 1, 1, 2, 2, 0, 0, 1, 1, 2",
            "1, 5, 40, 3, 6, 4, 2, 3, 1, 2, 0, 1, 1, 1",
            // many small images (the mask head's RoIs)
            "9, 6, 14, 14, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1",
            "33, 4, 7, 6, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1",
            "8, 10, 6, 7, 4, 1, 1, 1, 1, 0, 0, 1, 1, 1",
            // late stages of a batch: 2x2 and 3x1 maps, so every GEMM tile spans several images
            "32, 20, 4, 4, 24, 3, 3, 2, 2, 1, 1, 1, 1, 1",
            "7, 30, 2, 2, 17, 3, 3, 1, 1, 1, 1, 1, 1, 1",
            "5, 9, 3, 1, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1",
            // stride 1 input gradients as a convolution with turned weights: no padding (turned: 2), dilation with
            // a non-square kernel, and padding past dilation*(k-1), which stays on col2im
            "2, 6, 9, 11, 5, 3, 3, 1, 1, 0, 0, 1, 1, 1",
            "3, 5, 12, 10, 7, 3, 2, 1, 1, 2, 1, 2, 3, 1",
            "2, 4, 6, 5, 3, 3, 3, 1, 1, 3, 1, 1, 1, 1"})
    void float32AgreesWithFloat64(int n, int c, int h, int w, int o, int kh, int kw, int sh, int sw, int ph, int pw,
            int dh, int dw, int groups) {
        Conv2dParams p = new Conv2dParams(sh, sw, ph, pw, dh, dw, groups);
        RandomTensors rnd = new RandomTensors();
        Tensor x = rnd.normal(n, c, h, w);
        Tensor wt = rnd.normal(o, c / groups, kh, kw);
        Tensor b = rnd.normal(o);
        Tensor y = cpu.conv().conv2d(x, wt, b, p);
        Tensor gy = rnd.normal(y.shape());
        String seed = "seed " + rnd.seed();
        Tensor y64 = cpu.conv().conv2d(ConvTestData.toF64(x), ConvTestData.toF64(wt), ConvTestData.toF64(b), p);
        TensorAssert.assertClose(seed + " output", y64, y, TensorAssert.FORWARD);
        Conv2dGrads g = cpu.conv().conv2dBackward(gy, x, wt, p, true);
        Conv2dGrads g64 = cpu.conv().conv2dBackward(ConvTestData.toF64(gy), ConvTestData.toF64(x),
                ConvTestData.toF64(wt), p, true);
        TensorAssert.assertClose(seed + " grad_input", g64.gradInput(), g.gradInput(), TensorAssert.GRADIENT);
        TensorAssert.assertClose(seed + " grad_weight", g64.gradWeight(), g.gradWeight(), TensorAssert.GRADIENT);
        TensorAssert.assertClose(seed + " grad_bias", g64.gradBias(), g.gradBias(), TensorAssert.GRADIENT);
        // the gradients alone (conv_transpose2d's forward and weight gradient) take the same batched or per-image path
        TensorAssert.assertClose(seed + " conv2dGradInput", g64.gradInput(), cpu.conv().conv2dGradInput(gy, wt,
                x.shape(), p), TensorAssert.GRADIENT);
        TensorAssert.assertClose(seed + " conv2dGradWeight", g64.gradWeight(),
                cpu.conv().conv2dGradWeight(gy, x, wt.shape(), p), TensorAssert.GRADIENT);
    }

    @Test
    void emptyBatch() {
        Tensor x = Tensor.zeros(DType.F32, 0, 3, 6, 5);
        Tensor w = new RandomTensors(3).normal(4, 3, 3, 3);
        Conv2dParams p = Conv2dParams.of(2, 1, 1, 1);
        Tensor y = cpu.conv().conv2d(x, w, null, p);
        TensorAssert.assertShape("output", y, 0, 4, 3, 3);
        Conv2dGrads g = cpu.conv().conv2dBackward(y, x, w, p, true);
        TensorAssert.assertShape("grad_input", g.gradInput(), 0, 3, 6, 5);
        TensorAssert.assertExact("grad_weight", Tensor.zeros(DType.F32, 4, 3, 3, 3), g.gradWeight());
        TensorAssert.assertExact("grad_bias", Tensor.zeros(DType.F32, 4), g.gradBias());
    }

    @Test
    void badInputNamesTheArgument() {
        Tensor x = Tensor.zeros(DType.F32, 1, 4, 5, 5);
        Tensor w = Tensor.zeros(DType.F32, 6, 2, 3, 3);
        Conv2dParams g2 = Conv2dParams.of(1, 1, 1, 2);
        // weight's C/groups * groups = 2*1 != 4
        assertMessage("input:", () -> cpu.conv().conv2d(x, w, null, Conv2dParams.of(1, 1, 1, 1)));
        assertMessage("groups:", () -> cpu.conv().conv2d(x, Tensor.zeros(DType.F32, 6, 1, 3, 3), null,
                Conv2dParams.of(1, 1, 1, 3)));
        assertMessage("groups:", () -> cpu.conv().conv2d(x, Tensor.zeros(DType.F32, 5, 2, 3, 3), null, g2));
        assertMessage("bias:", () -> cpu.conv().conv2d(x, w, Tensor.zeros(DType.F32, 5), g2));
        assertMessage("bias:", () -> cpu.conv().conv2d(x, w, Tensor.zeros(DType.F32, 6, 1), g2));
        assertMessage("bias:", () -> cpu.conv().conv2d(x, w, Tensor.zeros(DType.F64, 6), g2));
        assertMessage("input:", () -> cpu.conv().conv2d(x, Tensor.zeros(DType.F32, 6, 2, 8, 8), null, g2));
        assertMessage("input:", () -> cpu.conv().conv2d(x, w, null, Conv2dParams.of(1, 0, 3, 2)));
        assertMessage("input:", () -> cpu.conv().conv2d(Tensor.zeros(DType.F32, 4, 5, 5), w, null, g2));
        assertMessage("input:", () -> cpu.conv().conv2d(Tensor.zeros(DType.I64, 1, 4, 5, 5), w, null, g2));
        assertMessage("weight:", () -> cpu.conv().conv2d(x, Tensor.zeros(DType.F64, 6, 2, 3, 3), null, g2));
        assertMessage("weight:", () -> cpu.conv().conv2d(x, Tensor.zeros(DType.F32, 6, 2, 3), null, g2));
        assertMessage("grad_output:", () -> cpu.conv().conv2dBackward(Tensor.zeros(DType.F32, 1, 6, 4, 5), x, w, g2,
                true));
        assertMessage("grad_output:", () -> cpu.conv().conv2dBackward(Tensor.zeros(DType.F64, 1, 6, 5, 5), x, w, g2,
                true));
        assertMessage("params:", () -> cpu.conv().conv2d(x, w, null, null));
    }
}
