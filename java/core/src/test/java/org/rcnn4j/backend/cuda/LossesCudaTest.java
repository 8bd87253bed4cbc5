package org.rcnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rcnn4j.testing.ArgumentAssert.assertMessageNames;
import static org.rcnn4j.testing.HostValues.doubles;
import static org.rcnn4j.testing.HostValues.f32;
import static org.rcnn4j.testing.TensorAssert.FORWARD;
import static org.rcnn4j.testing.TensorAssert.GRADIENT;
import static org.rcnn4j.testing.TensorAssert.assertClose;
import static org.rcnn4j.testing.TensorAssert.assertExact;

import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.kernels.LossesKernels;
import org.rcnn4j.nn.functional.LossFunctions;
import org.rcnn4j.nn.functional.Reduction;
import org.rcnn4j.nn.functional.TensorMath;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CpuCudaCompare;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.HostValues;
import org.rcnn4j.testing.RandomTensors;

/**
 * cuda/losses.cu against the CPU backend's losses family (in double, on F64 copies of the inputs) on fresh random
 * inputs, every output poisoned (NaN) before its launch; both zones of smooth L1 and beta 0, large logits, ignored and
 * all-ignored cross-entropy rows, empty inputs, bit-for-bit repeats; then the losses through autograd against the
 * CPU backend, and bad targets.
 */
class LossesCudaTest {
    private static final org.rcnn4j.backend.Losses CPU = new CpuBackend().losses();
    private static final int N = 1037;
    private static final long IGNORE = LossFunctions.IGNORE_INDEX;

    private static Backend cuda() {
        return CudaTestSupport.backend();
    }

    private static CudaDevice dev() {
        return CudaTestSupport.device();
    }

    private static Tensor scalar(double v) {
        return Tensor.ofFloats(new float[] {(float) v});
    }

    /** Runs launch(out) on a poisoned device tensor of {@code expected}'s shape and compares within tol. */
    private static void check(String what, Tensor expected, double tol, Consumer<DeviceBuffer> launch) {
        try (Tensor out = CudaTestSupport.poisoned(DType.F32, expected.shape())) {
            launch.accept(out.deviceBuffer());
            assertClose(what, expected, cuda().toHost(out), tol);
        }
    }

    @Test
    void smoothL1KernelsMatchJava() {
        RandomTensors rnd = new RandomTensors();
        Tensor x = rnd.normal(N);
        Tensor y = rnd.normal(N);
        Tensor g = rnd.normal();
        Tensor x64 = HostValues.f64(x);
        Tensor y64 = HostValues.f64(y);
        Tensor g64 = HostValues.f64(g);
        CudaTestSupport.assertNoLeak("smooth_l1", () -> {
            try (Tensor dx = cuda().toDevice(x); Tensor dy = cuda().toDevice(y); Tensor dg = cuda().toDevice(g)) {
                for (double beta : new double[] {1.0 / 9, 0.0, 1.0}) {
                    String what = "smooth_l1 beta " + beta + " seed " + rnd.seed();
                    for (double scale : new double[] {1.0, 1.0 / N}) {
                        check(what + " scale " + scale, HostValues.f32(CPU.smoothL1(x64, y64, beta, scale)), FORWARD,
                                o -> LossesKernels.smoothL1(dev(), dx.deviceBuffer(), dy.deviceBuffer(), N, beta, scale,
                                        o));
                        Tensor[] expected = CPU.smoothL1Backward(x64, y64, beta, scale, g64, true, true);
                        double[] gx = expected[0].doubles();
                        try (Tensor gy = CudaTestSupport.poisoned(DType.F32, N)) {
                            check(what + " grad input", f32(gx, N), GRADIENT, o -> LossesKernels.smoothL1Backward(
                                    dev(), dx.deviceBuffer(), dy.deviceBuffer(), N, beta, dg.deviceBuffer(), scale, o,
                                    gy.deviceBuffer()));
                            assertClose(what + " grad target", HostValues.f32(expected[1]), cuda().toHost(gy),
                                    GRADIENT);
                        }
                        // the target's gradient not wanted: a null pointer, nothing written there
                        check(what + " grad input alone", f32(gx, N), GRADIENT, o -> LossesKernels.smoothL1Backward(
                                dev(), dx.deviceBuffer(), dy.deviceBuffer(), N, beta, dg.deviceBuffer(), scale, o,
                                null));
                    }
                }
            }
        });
    }

    @Test
    void bceWithLogitsKernelsMatchJava() {
        RandomTensors rnd = new RandomTensors();
        Tensor x = rnd.normal(N);
        float[] xf = x.floats();
        for (int i = 0; i < N; i++) {
            xf[i] *= 4;
        }
        xf[3] = 40;
        xf[4] = -40;
        Tensor y = rnd.uniform(0, 1, N);
        Tensor g = rnd.normal();
        Tensor x64 = HostValues.f64(x);
        Tensor y64 = HostValues.f64(y);
        String what = "bce seed " + rnd.seed();
        Tensor mean = HostValues.f32(CPU.bceWithLogits(x64, y64));
        Tensor[] expected = CPU.bceWithLogitsBackward(x64, y64, HostValues.f64(g), true, true);
        double[] gx = expected[0].doubles();
        double[] gy = expected[1].doubles();
        CudaTestSupport.assertNoLeak(what, () -> {
            try (Tensor dx = cuda().toDevice(x); Tensor dy = cuda().toDevice(y); Tensor dg = cuda().toDevice(g);
                    Tensor dgy = CudaTestSupport.poisoned(DType.F32, N)) {
                check(what, mean, FORWARD, o -> LossesKernels.bceWithLogits(dev(), dx.deviceBuffer(),
                        dy.deviceBuffer(), N, 1.0 / N, o));
                check(what + " grad input", f32(gx, N), GRADIENT, o -> LossesKernels.bceWithLogitsBackward(dev(),
                        dx.deviceBuffer(), dy.deviceBuffer(), N, dg.deviceBuffer(), 1.0 / N, o, dgy.deviceBuffer()));
                assertClose(what + " grad target", f32(gy, N), cuda().toHost(dgy), GRADIENT);
            }
        });
    }

    /** Random targets in [0, classes), every fifth row ignored (or all rows when allIgnored). */
    private static long[] targets(RandomTensors rnd, int rows, int classes, boolean allIgnored) {
        long[] t = new long[rows];
        for (int i = 0; i < rows; i++) {
            t[i] = allIgnored || i % 5 == 2 ? IGNORE : rnd.random().nextInt(classes);
        }
        return t;
    }

    /** The CE kernels on poisoned outputs against the CPU family's cross_entropy (mean, upstream gradient g). */
    private static void checkCrossEntropy(String what, Tensor x, long[] t, Tensor g) {
        int rows = x.shape()[0];
        int classes = x.shape()[1];
        int counted = 0;
        for (long v : t) {
            counted += v == IGNORE ? 0 : 1;
        }
        double scale = 1.0 / counted;
        Tensor x64 = HostValues.f64(x);
        Tensor target = Tensor.ofLongs(t.clone(), rows);
        org.rcnn4j.backend.Losses.CrossEntropy ce = CPU.crossEntropy(x64, target, IGNORE);
        Tensor loss = HostValues.f32(ce.loss());
        Tensor grad = HostValues.f32(CPU.crossEntropyBackward(x64, target, IGNORE, ce.saved(), HostValues.f64(g)));
        CudaTestSupport.assertNoLeak(what, () -> {
            try (Tensor dx = cuda().toDevice(x); Tensor dt = cuda().toDevice(Tensor.ofLongs(t.clone(), rows));
                    Tensor dg = cuda().toDevice(g); Tensor stats = CudaTestSupport.poisoned(DType.F64, rows + 1)) {
                DeviceBuffer lse = stats.deviceBuffer().slice(0, 8L * rows);
                DeviceBuffer sc = stats.deviceBuffer().slice(8L * rows, 8);
                check(what + " loss", loss, FORWARD, o -> LossesKernels.crossEntropy(dev(),
                        dx.deviceBuffer(), dt.deviceBuffer(), rows, classes, IGNORE, o, lse, sc));
                assertEquals(scale, cuda().toHost(stats).getDouble(rows), what + " 1 / counted rows");
                // rows ignored have a zero gradient, all of them too (torch writes counted rows only)
                check(what + " grad", grad, GRADIENT,
                        o -> LossesKernels.crossEntropyBackward(dev(), dx.deviceBuffer(), dt.deviceBuffer(), rows,
                                classes, IGNORE, lse, dg.deviceBuffer(), sc, o));
            }
        });
    }

    @Test
    void crossEntropyKernelsMatchJava() {
        RandomTensors rnd = new RandomTensors();
        String seed = " seed " + rnd.seed();
        Tensor x = rnd.normal(45, 7);
        float[] xf = x.floats();
        for (int i = 0; i < xf.length; i++) {
            xf[i] *= 3;
        }
        xf[8] = 60; // a dominant logit: exp would overflow without the max subtracted
        checkCrossEntropy("cross_entropy" + seed, x, targets(rnd, 45, 7, false), rnd.normal());
        checkCrossEntropy("cross_entropy 600 rows" + seed, rnd.normal(600, 11), targets(rnd, 600, 11, false),
                rnd.normal());
        // every row ignored: 0/0 = NaN as torch's loss, and a zero gradient as torch's
        checkCrossEntropy("cross_entropy all ignored" + seed, rnd.normal(4, 3), targets(rnd, 4, 3, true),
                rnd.normal());
    }

    @Test
    void emptyInputs() {
        CudaTestSupport.assertNoLeak("empty", () -> {
            try (Tensor empty = CudaTestSupport.poisoned(DType.F32, 0);
                    Tensor t = cuda().toDevice(Tensor.ofLongs(new long[0], 0));
                    Tensor stats = CudaTestSupport.poisoned(DType.F64, 1)) {
                DeviceBuffer e = empty.deviceBuffer();
                check("smooth_l1 sum of nothing", scalar(0), FORWARD, o -> LossesKernels.smoothL1(dev(), e, e, 0,
                        1.0, 1.0, o));
                check("smooth_l1 mean of nothing", scalar(Double.NaN), FORWARD, o -> LossesKernels.smoothL1(dev(), e,
                        e, 0, 1.0, 1.0 / 0, o));
                check("bce mean of nothing", scalar(Double.NaN), FORWARD, o -> LossesKernels.bceWithLogits(dev(), e, e,
                        0, 1.0 / 0, o));
                check("cross_entropy of no rows", scalar(Double.NaN), FORWARD, o -> LossesKernels.crossEntropy(dev(),
                        e, t.deviceBuffer(), 0, 5, IGNORE, o, stats.deviceBuffer().slice(0, 0), stats
                                .deviceBuffer()));
            }
        });
    }

    @Test
    void forwardRepeatsBitForBit() {
        RandomTensors rnd = new RandomTensors();
        int n = 300_007;
        Tensor x = rnd.normal(n);
        Tensor y = rnd.uniform(0, 1, n);
        CudaTestSupport.assertNoLeak("repeat", () -> {
            try (Tensor dx = cuda().toDevice(x); Tensor dy = cuda().toDevice(y);
                    Tensor a = CudaTestSupport.poisoned(DType.F32); Tensor b = CudaTestSupport.poisoned(DType.F32)) {
                LossesKernels.bceWithLogits(dev(), dx.deviceBuffer(), dy.deviceBuffer(), n, 1.0 / n, a.deviceBuffer());
                LossesKernels.bceWithLogits(dev(), dx.deviceBuffer(), dy.deviceBuffer(), n, 1.0 / n, b.deviceBuffer());
                assertExact("bce twice, seed " + rnd.seed(), cuda().toHost(a), cuda().toHost(b));
            }
        });
    }

    @Test
    void autogradMatchesCpu() {
        RandomTensors rnd = new RandomTensors();
        String seed = " seed " + rnd.seed();
        long[] t = targets(rnd, 9, 6, false);
        int[] t32 = new int[t.length];
        for (int i = 0; i < t.length; i++) {
            t32[i] = (int) t[i];
        }
        CudaTestSupport.assertNoLeak("autograd", () -> {
            CpuCudaCompare.compare("smooth_l1 sum" + seed, (b, v) -> LossFunctions.smoothL1(v[0], v[1], 1.0 / 9,
                    Reduction.SUM), rnd.normal(6, 4), rnd.normal(6, 4));
            CpuCudaCompare.compare("smooth_l1 mean" + seed, (b, v) -> LossFunctions.smoothL1(v[0], v[1], 0.5,
                    Reduction.MEAN), rnd.normal(5, 7), rnd.normal(5, 7));
            CpuCudaCompare.compare("bce" + seed, (b, v) -> LossFunctions.binaryCrossEntropyWithLogits(v[0], TensorMath.sigmoid(v[1])),
                    rnd.normal(3, 50), rnd.normal(3, 50));
            CpuCudaCompare.compare("cross_entropy I64 device" + seed, (b, v) -> LossFunctions.crossEntropy(v[0], Var.of(b,
                    b.toDevice(Tensor.ofLongs(t.clone(), t.length)))), rnd.normal(9, 6));
            CpuCudaCompare.compare("cross_entropy I32 host" + seed, (b, v) -> LossFunctions.crossEntropy(v[0], Var.of(b,
                    Tensor.ofInts(t32.clone(), t32.length))), rnd.normal(9, 6));
        });
    }

    @Test
    void allIgnoredAndEmptyThroughAutograd() {
        CudaTestSupport.assertNoLeak("autograd edges", () -> {
            try (Scope s = Scope.open()) {
                Var x = Var.param(cuda(), cuda().toDevice(Tensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3)));
                Var l = LossFunctions.crossEntropy(x, Var.of(cuda(), Tensor.ofLongs(new long[] {IGNORE, IGNORE}, 2)));
                assertTrue(Double.isNaN(cuda().toHost(l.value()).getDouble(0)), "all ignored: NaN");
                Var none = Var.param(cuda(), cuda().toDevice(Tensor.zeros(DType.F32, 0, 4)));
                assertEquals(0.0, cuda().toHost(LossFunctions.smoothL1(none, none, 1.0, Reduction.SUM).value()).getDouble(
                        0));
                Var mean = LossFunctions.binaryCrossEntropyWithLogits(none, none);
                assertTrue(Double.isNaN(cuda().toHost(mean.value()).getDouble(0)), "empty mean: NaN");
                Var ce = LossFunctions.crossEntropy(none, Var.of(cuda(), Tensor.ofLongs(new long[0], 0)));
                assertTrue(Double.isNaN(cuda().toHost(ce.value()).getDouble(0)), "no rows: NaN");
                l.backward();
                assertArrayEquals(new float[6], cuda().toHost(x.grad()).floats(), "all ignored: zero gradient");
                TensorMath.add(ce, mean).backward();
                assertEquals(0, none.grad().numel());
            }
        });
    }

    @Test
    void badTargetsNameThemselves() {
        CudaTestSupport.assertNoLeak("bad targets", () -> {
            try (Scope s = Scope.open()) {
                Var x = Var.param(cuda(), cuda().toDevice(Tensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3)));
                // device targets are checked on the device; a bad one fails at the next synchronization
                Var bad = LossFunctions.crossEntropy(x, Var.of(cuda(), cuda().toDevice(Tensor.ofLongs(
                        new long[] {0, 3}, 2))));
                assertMessageNames("target 3 out of range for 3 classes", () -> cuda().toHost(bad.value()));
                assertMessageNames("target 3 out of range for 3 classes", () -> LossFunctions.crossEntropy(x, Var.of(
                        cuda(), Tensor.ofLongs(new long[] {0, 3}, 2))));
                assertMessageNames("target -1", () -> LossFunctions.crossEntropy(x, Var.of(cuda(), Tensor.ofInts(
                        new int[] {-1, 0}, 2))));
                assertMessageNames("rows and classes", () -> LossesKernels.crossEntropy(dev(), x.value()
                        .deviceBuffer(), x.value().deviceBuffer(), -1, 3, IGNORE, x.value().deviceBuffer(), x.value()
                                .deviceBuffer(), x.value().deviceBuffer()));
            }
        });
    }
}
