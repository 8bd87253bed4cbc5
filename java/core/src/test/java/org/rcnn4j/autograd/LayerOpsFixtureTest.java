package org.rcnn4j.autograd;

import static org.rcnn4j.testing.TensorAssert.FORWARD;
import static org.rcnn4j.testing.TensorAssert.GRADIENT;
import static org.rcnn4j.testing.TensorAssert.assertClose;
import static org.rcnn4j.testing.TensorAssert.assertExact;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.Fixtures;

/**
 * upsample_nearest, conv_transpose2d and batch_norm against torch 1.13 (fixture layer_ops, from
 * gen_layer_ops.py) on the CPU backend and on the CUDA backend (GPU or emulator): outputs, gradients for a given
 * upstream gradient, and batch norm's running statistics.
 */
class LayerOpsFixtureTest {
    private static final Map<String, Tensor> F = Fixtures.load("layer_ops");
    private long liveBefore;

    @BeforeEach
    void countLive() {
        liveBefore = Live.tensors();
    }

    @AfterEach
    void nothingLeft() {
        org.junit.jupiter.api.Assertions.assertEquals(liveBefore, Live.tensors(), "autograd tensors left open");
    }

    @Test
    void cpu() {
        runAll(new CpuBackend());
    }

    @Test
    void cuda() {
        runAll(CudaTestSupport.backend());
    }

    private void runAll(Backend b) {
        for (String k : new String[] {"a", "b", "c", "d", "e"}) {
            upsample(b, k);
        }
        convTranspose(b, "a", 2, 0, 0, 1, 1);
        convTranspose(b, "b", 2, 1, 1, 2, 2);
        try (Scope s = Scope.open()) {
            Var y = Nn.convTranspose2d(param(b, "convt32.input"), param(b, "convt32.weight"),
                    param(b, "convt32.bias"), 2, 0, 0, 1, 1);
            assertClose(b.name() + " conv_transpose2d f32 output", F.get("convt32.output"), b.toHost(y.value()),
                    FORWARD);
        }
        batchNorm(b, "train");
        batchNorm(b, "eval");
    }

    private static Var param(Backend b, String key) {
        Tensor t = F.get(key);
        Tensor copy = t.dtype() == org.rcnn4j.tensor.DType.F32 ? Tensor.ofFloats(t.floats().clone(), t.shape())
                : GradCheck.copy(t);
        return Var.param(b, b.toDevice(copy));
    }

    private static void backward(Backend b, Var y, String key) {
        Autograd.backward(y, b.toDevice(GradCheck.copy(F.get(key))));
    }

    private void upsample(Backend b, String k) {
        String p = "upsample." + k + ".";
        Tensor out = F.get(p + "output");
        try (Scope s = Scope.open()) {
            Var x = param(b, p + "input");
            Var y = Nn.upsampleNearest(x, out.size(2), out.size(3));
            assertExact(b.name() + " " + p + "output", out, b.toHost(y.value()));
            Var x64 = Var.param(b, b.toDevice(GradCheck.copy(toF64(F.get(p + "input")))));
            backward(b, Nn.upsampleNearest(x64, out.size(2), out.size(3)), p + "grad_output");
            assertClose(b.name() + " " + p + "grad_input", F.get(p + "grad_input"), b.toHost(x64.grad()), GRADIENT);
        }
    }

    private static Tensor toF64(Tensor f) {
        double[] d = new double[f.numel()];
        for (int i = 0; i < d.length; i++) {
            d[i] = f.getDouble(i);
        }
        return Tensor.ofDoubles(d, f.shape());
    }

    private void convTranspose(Backend b, String k, int stride, int padding, int outputPadding, int dilation,
            int groups) {
        String p = "convt." + k + ".";
        try (Scope s = Scope.open()) {
            Var x = param(b, p + "input");
            Var w = param(b, p + "weight");
            Var bias = param(b, p + "bias");
            Var y = Nn.convTranspose2d(x, w, bias, stride, padding, outputPadding, dilation, groups);
            assertClose(b.name() + " " + p + "output", F.get(p + "output"), b.toHost(y.value()), GRADIENT);
            backward(b, y, p + "grad_output");
            assertClose(b.name() + " " + p + "grad_input", F.get(p + "grad_input"), b.toHost(x.grad()), GRADIENT);
            assertClose(b.name() + " " + p + "grad_weight", F.get(p + "grad_weight"), b.toHost(w.grad()), GRADIENT);
            assertClose(b.name() + " " + p + "grad_bias", F.get(p + "grad_bias"), b.toHost(bias.grad()), GRADIENT);
        }
    }

    private void batchNorm(Backend b, String mode) {
        String p = "bn." + mode + ".";
        try (Scope s = Scope.open();
                Tensor rm = b.toDevice(GradCheck.copy(F.get(p + "running_mean")));
                Tensor rv = b.toDevice(GradCheck.copy(F.get(p + "running_var")))) {
            Var x = param(b, p + "input");
            Var w = param(b, p + "weight");
            Var bias = param(b, p + "bias");
            Var y = Nn.batchNorm2d(x, w, bias, rm, rv, mode.equals("train"), 0.1, 1e-5);
            assertClose(b.name() + " " + p + "output", F.get(p + "output"), b.toHost(y.value()), GRADIENT);
            assertClose(b.name() + " " + p + "running_mean", F.get(p + "new_running_mean"), b.toHost(rm), GRADIENT);
            assertClose(b.name() + " " + p + "running_var", F.get(p + "new_running_var"), b.toHost(rv), GRADIENT);
            backward(b, y, p + "grad_output");
            assertClose(b.name() + " " + p + "grad_input", F.get(p + "grad_input"), b.toHost(x.grad()), GRADIENT);
            assertClose(b.name() + " " + p + "grad_weight", F.get(p + "grad_weight"), b.toHost(w.grad()), GRADIENT);
            assertClose(b.name() + " " + p + "grad_bias", F.get(p + "grad_bias"), b.toHost(bias.grad()), GRADIENT);
        }
    }
}
