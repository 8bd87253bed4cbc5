package org.rcnn4j.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rcnn4j.testing.HostValues.f32;
import static org.rcnn4j.testing.TensorAssert.GRADIENT;
import static org.rcnn4j.testing.TensorAssert.assertClose;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.HostValues;
import org.rcnn4j.testing.Fixtures;

/**
 * Losses, max_pool2d and SGD against torch 1.13 (fixture autograd_losses, from gen_autograd.py): float64 on the CPU,
 * and float32 on the CUDA backend (device kernels).
 */
class LossFixtureTest {
    private long liveBefore;

    @BeforeEach
    void countLive() {
        liveBefore = Live.tensors();
    }

    @AfterEach
    void nothingLeft() {
        org.junit.jupiter.api.Assertions.assertEquals(liveBefore, Live.tensors(), "autograd tensors left open");
    }

    private static final Map<String, Tensor> F = Fixtures.load("autograd_losses");
    private final Backend cpu = new CpuBackend();

    /** Runs loss(input, target) with both requiring grad; checks value and the listed grads. */
    private void checkLoss(String prefix, String key, Function<Var[], Var> loss, boolean targetGrad) {
        checkLoss(cpu, GradCheck::copy, prefix, key, loss, targetGrad);
    }

    /** The same on backend b, the fixture's float tensors converted by {@code floats} (a copy, or to F32). */
    private static void checkLoss(Backend b, UnaryOperator<Tensor> floats, String prefix, String key,
            Function<Var[], Var> loss, boolean targetGrad) {
        try (Scope s = Scope.open()) {
            Var x = Var.param(b, b.toDevice(floats.apply(F.get(prefix + ".input"))));
            Tensor t = F.get(prefix + ".target");
            Tensor tv = b.toDevice(t.dtype() == DType.F64 ? floats.apply(t) : t);
            Var y = targetGrad ? Var.param(b, tv) : Var.of(b, tv);
            Var l = loss.apply(new Var[] {x, y});
            assertClose(key + " loss", F.get(key + ".loss"), b.toHost(l.value()), GRADIENT);
            l.backward();
            assertClose(key + " grad_input", F.get(key + ".grad_input"), b.toHost(x.grad()), GRADIENT);
            if (targetGrad) {
                assertClose(key + " grad_target", F.get(key + ".grad_target"), b.toHost(y.grad()), GRADIENT);
            }
        }
    }

    @Test
    void smoothL1BetaOneNinth() {
        checkLoss("sl1", "sl1.sum", v -> Losses.smoothL1(v[0], v[1], 1.0 / 9, Reduction.SUM), true);
        checkLoss("sl1", "sl1.mean", v -> Losses.smoothL1(v[0], v[1], 1.0 / 9, Reduction.MEAN), true);
    }

    @Test
    void binaryCrossEntropyWithLogits() {
        checkLoss("bce", "bce", v -> Losses.binaryCrossEntropyWithLogits(v[0], v[1]), true);
    }

    @Test
    void crossEntropyWithIgnoredRow() {
        checkLoss("ce", "ce", v -> Losses.crossEntropy(v[0], v[1]), false);
    }

    /** Every row ignored: the loss is 0/0 = NaN as torch's, the gradient zero as torch's (counted rows only). */
    @Test
    void crossEntropyAllIgnored() {
        try (Scope s = Scope.open()) {
            Var x = Var.param(cpu, Tensor.ofDoubles(new double[] {0.5, -1, 2, 3, 0.25, -4}, 2, 3));
            Var l = Losses.crossEntropy(x, Var.of(cpu, Tensor.ofLongs(new long[] {-100, -100}, 2)));
            assertTrue(Double.isNaN(l.item()), "loss " + l.item());
            l.backward();
            assertArrayEquals(new double[6], x.grad().doubles());
        }
    }

    @Test
    void maxPool2d() {
        try (Scope s = Scope.open()) {
            Var x = Var.param(cpu, GradCheck.copy(F.get("mp.input")));
            Var y = Nn.maxPool2d(x, 3, 2, 1);
            assertClose("max_pool2d output", F.get("mp.output"), y.value(), GRADIENT);
            Autograd.backward(y, GradCheck.copy(F.get("mp.grad_output")));
            assertClose("max_pool2d grad_input", F.get("mp.grad_input"), x.grad(), GRADIENT);
        }
    }

    /** The device losses and max_pool2d (F32, cuda/losses.cu and max_pool.cu) against the same torch values. */
    @Test
    void lossesAndMaxPoolOnCuda() {
        Backend cuda = CudaTestSupport.backend();
        CudaTestSupport.assertNoLeak("losses on cuda", () -> {
            checkLoss(cuda, HostValues::f32, "sl1", "sl1.sum", v -> Losses.smoothL1(v[0], v[1], 1.0 / 9,
                    Reduction.SUM), true);
            checkLoss(cuda, HostValues::f32, "sl1", "sl1.mean", v -> Losses.smoothL1(v[0], v[1], 1.0 / 9,
                    Reduction.MEAN), true);
            checkLoss(cuda, HostValues::f32, "bce", "bce", v -> Losses.binaryCrossEntropyWithLogits(v[0],
                    v[1]), true);
            checkLoss(cuda, HostValues::f32, "ce", "ce", v -> Losses.crossEntropy(v[0], v[1]), false);
            try (Scope s = Scope.open()) {
                Var x = Var.param(cuda, cuda.toDevice(f32(F.get("mp.input"))));
                Var y = Nn.maxPool2d(x, 3, 2, 1);
                assertClose("max_pool2d output", F.get("mp.output"), cuda.toHost(y.value()), GRADIENT);
                Autograd.backward(y, cuda.toDevice(f32(F.get("mp.grad_output"))));
                assertClose("max_pool2d grad_input", F.get("mp.grad_input"), cuda.toHost(x.grad()), GRADIENT);
            }
        });
    }

    @Test
    void sgdMomentumWeightDecay() {
        Var p = Var.param(cpu, GradCheck.copy(F.get("sgd.p0")));
        try (Sgd opt = new Sgd(List.of(p), 0.1, 0.9, 0.01)) {
            for (int step = 1; step <= 3; step++) {
                opt.zeroGrad();
                try (Scope s = Scope.open()) {
                    Var dot = Ops.sum(Ops.mul(p, Var.of(cpu, F.get("sgd.w"))));
                    Ops.add(Ops.mul(dot, dot), Ops.sum(p)).backward();
                }
                opt.step();
                assertClose("p after step " + step, F.get("sgd.p" + step), p.value(), GRADIENT);
            }
        } finally {
            p.close();
        }
    }

    /** The device update (F32 elementwise kernels) against torch's float64 trajectory. */
    @Test
    void sgdOnCuda() {
        Backend cuda = CudaTestSupport.backend();
        Var p = Var.param(cuda, cuda.toDevice(f32(F.get("sgd.p0"))));
        try (Sgd opt = new Sgd(List.of(p), 0.1, 0.9, 0.01)) {
            for (int step = 1; step <= 3; step++) {
                opt.zeroGrad();
                try (Scope s = Scope.open()) {
                    Var dot = Ops.sum(Ops.mul(p, Var.of(cuda, cuda.toDevice(f32(F.get("sgd.w"))))));
                    Ops.add(Ops.mul(dot, dot), Ops.sum(p)).backward();
                }
                opt.step();
                assertClose("p after step " + step, f32(F.get("sgd.p" + step)), p.toHost(), GRADIENT);
            }
        } finally {
            p.close();
        }
    }
}
