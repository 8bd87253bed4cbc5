package org.rcnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rcnn4j.backend.Conv2dGrads;
import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.backend.Conv2dShape;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.kernels.Conv2dKernels;
import org.rcnn4j.cuda.kernels.GemmKernels.Precision;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.TensorAssert;

/**
 * cuda/conv2d.cu against the CPU backend on fresh random inputs (small: the emulator runs every CUDA thread on the
 * CPU), with shapes that do not divide the 64 x 64 tiles, and outputs poisoned with NaN before each launch.
 */
class Conv2dCudaTest {
    private final CpuBackend cpu = new CpuBackend();

    @ParameterizedTest
    @CsvSource({
            // n, c, h, w, o, kh, kw, sh, sw, ph, pw, dh, dw, groups
            "2, 5, 9, 11, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1",
            "1, 3, 13, 10, 5, 2, 3, 2, 1, 1, 2, 2, 1, 1",
            "2, 6, 7, 8, 4, 3, 3, 2, 2, 1, 1, 1, 1, 2",
            "1, 6, 8, 7, 6, 3, 3, 1, 1, 1, 1, 1, 1, 6",
            "1, 70, 5, 13, 66, 1, 1, 1, 1, 0, 0, 1, 1, 1",
            "1, 3, 17, 17, 8, 7, 7, 2, 2, 3, 3, 1, 1, 1",
            "2, 4, 24, 24, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1"})
    void matchesTheCpuBackend(int n, int c, int h, int w, int o, int kh, int kw, int sh, int sw, int ph, int pw,
            int dh, int dw, int groups) {
        CudaBackend cuda = CudaTestSupport.backend();
        Conv2dParams p = new Conv2dParams(sh, sw, ph, pw, dh, dw, groups);
        RandomTensors rnd = new RandomTensors();
        Tensor x = rnd.normal(n, c, h, w);
        Tensor wt = rnd.normal(o, c / groups, kh, kw);
        Tensor b = rnd.normal(o);
        Tensor y = cpu.conv().conv2d(x, wt, b, p);
        Tensor gy = rnd.normal(y.shape());
        Conv2dGrads g = cpu.conv().conv2dBackward(gy, x, wt, p, true);
        String what = "seed " + rnd.seed();
        CudaTestSupport.assertNoLeak(what, () -> {
            for (boolean withBias : new boolean[] {true, false}) {
                Tensor yRef = withBias ? y : cpu.conv().conv2d(x, wt, null, p);
                poisonCache(cuda, DType.F32, y.shape(), x.shape(), wt.shape(), new int[] {o});
                try (Tensor dx = cuda.toDevice(x); Tensor dwt = cuda.toDevice(wt);
                        Tensor db = withBias ? cuda.toDevice(b) : null;
                        Tensor dyOut = cuda.conv().conv2d(dx, dwt, db, p); Tensor dgy = cuda.toDevice(gy);
                        Conv2dGrads dg = cuda.conv().conv2dBackward(dgy, dx, dwt, p, withBias)) {
                    String v = what + " bias=" + withBias;
                    TensorAssert.assertClose(v + " output", yRef, cuda.toHost(dyOut), TensorAssert.FORWARD);
                    TensorAssert.assertClose(v + " grad_input", g.gradInput(), cuda.toHost(dg.gradInput()),
                            TensorAssert.GRADIENT);
                    TensorAssert.assertClose(v + " grad_weight", g.gradWeight(), cuda.toHost(dg.gradWeight()),
                            TensorAssert.GRADIENT);
                    if (withBias) {
                        TensorAssert.assertClose(v + " grad_bias", g.gradBias(), cuda.toHost(dg.gradBias()),
                                TensorAssert.GRADIENT);
                    } else {
                        assertNull(dg.gradBias());
                    }
                }
            }
        });
    }

    @Test
    void float64MatchesTheCpuBackend() {
        CudaBackend cuda = CudaTestSupport.backend();
        Conv2dParams p = new Conv2dParams(2, 1, 1, 0, 1, 2, 2);
        RandomTensors rnd = new RandomTensors();
        Tensor x = GemmCudaTest.toF64(rnd.normal(2, 4, 9, 10));
        Tensor wt = GemmCudaTest.toF64(rnd.normal(6, 2, 3, 2));
        Tensor b = GemmCudaTest.toF64(rnd.normal(6));
        Tensor y = cpu.conv().conv2d(x, wt, b, p);
        Tensor gy = GemmCudaTest.toF64(rnd.normal(y.shape()));
        Conv2dGrads g = cpu.conv().conv2dBackward(gy, x, wt, p, true);
        String what = "seed " + rnd.seed();
        try (Tensor dx = cuda.toDevice(x); Tensor dwt = cuda.toDevice(wt); Tensor db = cuda.toDevice(b);
                Tensor dy = cuda.conv().conv2d(dx, dwt, db, p); Tensor dgy = cuda.toDevice(gy);
                Conv2dGrads dg = cuda.conv().conv2dBackward(dgy, dx, dwt, p, true)) {
            TensorAssert.assertClose(what + " output", y, cuda.toHost(dy), 1e-12);
            TensorAssert.assertClose(what + " grad_input", g.gradInput(), cuda.toHost(dg.gradInput()), 1e-12);
            TensorAssert.assertClose(what + " grad_weight", g.gradWeight(), cuda.toHost(dg.gradWeight()), 1e-12);
            TensorAssert.assertClose(what + " grad_bias", g.gradBias(), cuda.toHost(dg.gradBias()), 1e-12);
        }
    }

    /** The kernels write every element of their outputs (NaN-poisoned buffers come back NaN-free). */
    @Test
    void kernelsWriteEveryOutputElement() {
        CudaDevice d = CudaTestSupport.device();
        RandomTensors rnd = new RandomTensors();
        Conv2dParams p = new Conv2dParams(2, 2, 1, 1, 1, 1, 1);
        Tensor x = rnd.normal(2, 3, 11, 9);
        Tensor wt = rnd.normal(5, 3, 3, 3);
        Conv2dShape s = Conv2dShape.of(x, wt, null, p);
        Conv2dKernels.Shape k = new Conv2dKernels.Shape(2, 3, 11, 9, 5, 3, 3, 2, 2, 1, 1, 1, 1, 1);
        Tensor gy = rnd.normal(s.outputShape());
        try (Tensor dx = Transfers.toDevice(d, x); Tensor dw = Transfers.toDevice(d, wt);
                Tensor dgy = Transfers.toDevice(d, gy);
                Tensor y = CudaTestSupport.poisoned(DType.F32, s.outputShape());
                Tensor gi = CudaTestSupport.poisoned(DType.F32, s.inputShape());
                Tensor gw = CudaTestSupport.poisoned(DType.F32, s.weightShape());
                Tensor gb = CudaTestSupport.poisoned(DType.F32, 5)) {
            Conv2dKernels.forward(d, Precision.F32, k, dx.deviceBuffer(), dw.deviceBuffer(), null, y.deviceBuffer());
            Conv2dKernels.gradInput(d, Precision.F32, k, dgy.deviceBuffer(), dw.deviceBuffer(), gi.deviceBuffer());
            Conv2dKernels.gradWeight(d, Precision.F32, k, dgy.deviceBuffer(), dx.deviceBuffer(), gw.deviceBuffer());
            Conv2dKernels.gradBias(d, Precision.F32, 2, 5, s.p(), dgy.deviceBuffer().pointer(),
                    gb.deviceBuffer().pointer());
            String what = "seed " + rnd.seed();
            TensorAssert.assertClose(what + " output", cpu.conv().conv2d(x, wt, null, p), Transfers.toHost(d, y),
                    TensorAssert.FORWARD);
            Conv2dGrads g = cpu.conv().conv2dBackward(gy, x, wt, p, true);
            TensorAssert.assertClose(what + " grad_input", g.gradInput(), Transfers.toHost(d, gi),
                    TensorAssert.GRADIENT);
            TensorAssert.assertClose(what + " grad_weight", g.gradWeight(), Transfers.toHost(d, gw),
                    TensorAssert.GRADIENT);
            TensorAssert.assertClose(what + " grad_bias", g.gradBias(), Transfers.toHost(d, gb),
                    TensorAssert.GRADIENT);
        }
    }

    @Test
    void emptyBatch() {
        CudaBackend cuda = CudaTestSupport.backend();
        Conv2dParams p = Conv2dParams.of(1, 1, 1, 1);
        Tensor w = new RandomTensors(5).normal(4, 3, 3, 3);
        try (Tensor dx = cuda.toDevice(Tensor.zeros(DType.F32, 0, 3, 5, 5)); Tensor dw = cuda.toDevice(w);
                Tensor y = cuda.conv().conv2d(dx, dw, null, p); Conv2dGrads g = cuda.conv().conv2dBackward(y, dx, dw,
                        p, true)) {
            TensorAssert.assertShape("output", y, 0, 4, 5, 5);
            TensorAssert.assertExact("grad_weight", Tensor.zeros(DType.F32, 4, 3, 3, 3), cuda.toHost(g.gradWeight()));
            TensorAssert.assertExact("grad_bias", Tensor.zeros(DType.F32, 4), cuda.toHost(g.gradBias()));
        }
    }

    @Test
    void badInputNamesTheArgument() {
        CudaBackend cuda = CudaTestSupport.backend();
        try (Tensor x = cuda.toDevice(Tensor.zeros(DType.F32, 1, 4, 5, 5));
                Tensor w = cuda.toDevice(Tensor.zeros(DType.F32, 6, 3, 3, 3))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> cuda.conv().conv2d(x, w, null, Conv2dParams.of(1, 1, 1, 1)));
            assertTrue(e.getMessage().startsWith("input:"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> cuda.conv().conv2d(x, w, null, Conv2dParams.of(1, 1, 1, 3)));
            assertTrue(e.getMessage().startsWith("groups:"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cuda.conv().conv2d(Tensor.zeros(DType.F32, 1, 3, 5, 5), Tensor.zeros(DType.F32, 6, 3, 3, 3), null,
                        Conv2dParams.of(1, 1, 1, 1)));
        assertTrue(e.getMessage().startsWith("input:"), e.getMessage());
    }

    @Test
    void kernelShapeRejectsBadGeometryWithItsValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Conv2dKernels.Shape(1, 4, 5, 5, 6, 3, 3, 1, 1, 1, 1, 1, 1, 3));
        assertTrue(e.getMessage().contains("input [1,4,5,5]") && e.getMessage().contains("groups 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new Conv2dKernels.Shape(1, 4, 2, 5, 6, 5, 3, 1, 1, 1, 1, 1, 1, 1));
        assertTrue(e.getMessage().startsWith("conv2d: empty output"), e.getMessage());
        Conv2dKernels.Shape s = new Conv2dKernels.Shape(2, 4, 9, 8, 6, 3, 2, 2, 1, 1, 0, 1, 2, 2);
        assertTrue(s.outH() == 5 && s.outW() == 6, s.outH() + "x" + s.outW());
    }

    /**
     * Frees NaN-poisoned blocks of the output sizes into the allocator's cache, where the op's outputs come from
     * (three of each, as inputs of the same size may take some first).
     */
    /** conv2dGradInput and conv2dGradWeight alone (conv_transpose2d's pieces) give conv2dBackward's results. */
    @ParameterizedTest
    @CsvSource({"2, 4, 5, 6, 6, 2, 2, 2, 0, 1, 1", "1, 4, 7, 6, 6, 3, 3, 2, 1, 2, 2", "1, 3, 5, 5, 4, 1, 1, 1, 0, 1, 1"})
    void gradInputAndGradWeightAlone(int n, int c, int h, int w, int o, int kh, int kw, int stride, int pad, int dil,
            int groups) {
        CudaBackend cuda = CudaTestSupport.backend();
        Conv2dParams p = Conv2dParams.of(stride, pad, dil, groups);
        RandomTensors rnd = new RandomTensors();
        Tensor x = rnd.normal(n, c, h, w);
        Tensor wt = rnd.normal(o, c / groups, kh, kw);
        Tensor gy = rnd.normal(cpu.conv().conv2d(x, wt, null, p).shape());
        Conv2dGrads g = cpu.conv().conv2dBackward(gy, x, wt, p, false);
        String what = "seed " + rnd.seed();
        TensorAssert.assertClose(what + " cpu grad_input", g.gradInput(), cpu.conv().conv2dGradInput(gy, wt, x.shape(),
                p), 1e-6);
        TensorAssert.assertClose(what + " cpu grad_weight", g.gradWeight(), cpu.conv().conv2dGradWeight(gy, x,
                wt.shape(), p), 1e-6);
        CudaTestSupport.assertNoLeak(what, () -> {
            try (Tensor dx = cuda.toDevice(x); Tensor dwt = cuda.toDevice(wt); Tensor dgy = cuda.toDevice(gy)) {
                poisonCache(cuda, DType.F32, x.shape(), wt.shape());
                try (Tensor gi = cuda.conv().conv2dGradInput(dgy, dwt, x.shape(), p)) {
                    TensorAssert.assertClose(what + " grad_input", g.gradInput(), cuda.toHost(gi),
                            TensorAssert.GRADIENT);
                }
                poisonCache(cuda, DType.F32, x.shape(), wt.shape());
                try (Tensor gw = cuda.conv().conv2dGradWeight(dgy, dx, wt.shape(), p)) {
                    TensorAssert.assertClose(what + " grad_weight", g.gradWeight(), cuda.toHost(gw),
                            TensorAssert.GRADIENT);
                }
            }
        });
    }

    static void poisonCache(CudaBackend cuda, DType dtype, int[]... shapes) {
        java.util.List<Tensor> held = new java.util.ArrayList<>();
        for (int[] shape : shapes) {
            for (int copy = 0; copy < 3; copy++) {
                held.add(CudaTestSupport.poison(Transfers.empty(cuda.device(), dtype, shape)));
            }
        }
        held.forEach(Tensor::close);
    }
}
