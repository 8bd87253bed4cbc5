package org.rcnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rcnn4j.backend.Conv2dGrads;
import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.Cudnn;
import org.rcnn4j.cuda.NvidiaLibraryStatus;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.TensorAssert;

/**
 * conv2d and both gradients through cuDNN (on cuda-emu: the emulator's stand-in) against the CPU backend on fresh
 * random inputs, outputs poisoned with NaN before each call: groups, stride, dilation, padding, 1x1, batch 1 and 8,
 * F32 and F64; the separate input and weight gradients; TF32 as a switch; deterministic algorithms; the algorithm
 * cache; the fused bias + ReLU.
 */
class CudnnConvTest {
    private final CpuBackend cpu = new CpuBackend();

    /** cuDNN on the test device: required on the emulator (its stand-in is built with it), optional on a GPU. */
    static Cudnn cudnn(CudaDevice device) {
        NvidiaLibraryStatus status = Cudnn.status(device);
        if (device.isEmulated()) {
            assertTrue(status.available(), "the emulator's stand-in cuDNN must load: " + status.describe());
            assertTrue(status.standIn(), status.describe());
        } else {
            Assumptions.assumeTrue(status.available(), () -> "no cuDNN on this GPU machine: " + status.describe());
        }
        return Cudnn.open(device);
    }

    static CudnnConv conv(CudaLibraryOptions options) {
        CudaDevice d = CudaTestSupport.device();
        return new CudnnConv(d, cudnn(d), options, new ConvCuda(d, CudaTestSupport.backend().elementwise()));
    }

    static CudaLibraryOptions fp32() {
        return CudaLibraryOptions.fromSystemProperties().withCudnnTf32(false).withDeterministic(false)
                .withBenchmark(false);
    }

    @ParameterizedTest
    @CsvSource({
            // n, c, h, w, o, kh, kw, sh, sw, ph, pw, dh, dw, groups
            "1, 5, 9, 11, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1",
            "8, 3, 7, 6, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1",
            "2, 6, 9, 8, 4, 3, 3, 2, 2, 1, 1, 1, 1, 2",
            "1, 6, 8, 7, 6, 3, 3, 1, 1, 1, 1, 1, 1, 6",
            "2, 4, 11, 10, 6, 3, 2, 1, 2, 2, 1, 2, 3, 2",
            "8, 8, 5, 5, 12, 1, 1, 1, 1, 0, 0, 1, 1, 1",
            "1, 3, 13, 10, 5, 1, 1, 2, 3, 0, 0, 1, 1, 1",
            "1, 3, 17, 17, 8, 7, 7, 2, 2, 3, 3, 1, 1, 1"})
    void matchesTheCpuBackend(int n, int c, int h, int w, int o, int kh, int kw, int sh, int sw, int ph, int pw,
            int dh, int dw, int groups) {
        CudaBackend cuda = CudaTestSupport.backend();
        CudnnConv conv = conv(fp32());
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
            Conv2dCudaTest.poisonCache(cuda, DType.F32, y.shape(), x.shape(), wt.shape(), new int[] {o});
            try (Tensor dx = cuda.toDevice(x); Tensor dwt = cuda.toDevice(wt); Tensor db = cuda.toDevice(b);
                    Tensor dy = conv.conv2d(dx, dwt, db, p); Tensor dgy = cuda.toDevice(gy);
                    Conv2dGrads dg = conv.conv2dBackward(dgy, dx, dwt, p, true)) {
                TensorAssert.assertClose(what + " output", y, cuda.toHost(dy), TensorAssert.FORWARD);
                TensorAssert.assertClose(what + " grad_input", g.gradInput(), cuda.toHost(dg.gradInput()),
                        TensorAssert.GRADIENT);
                TensorAssert.assertClose(what + " grad_weight", g.gradWeight(), cuda.toHost(dg.gradWeight()),
                        TensorAssert.GRADIENT);
                TensorAssert.assertClose(what + " grad_bias", g.gradBias(), cuda.toHost(dg.gradBias()),
                        TensorAssert.GRADIENT);
            }
            Conv2dCudaTest.poisonCache(cuda, DType.F32, x.shape(), wt.shape());
            try (Tensor dx = cuda.toDevice(x); Tensor dwt = cuda.toDevice(wt); Tensor dgy = cuda.toDevice(gy);
                    Tensor gi = conv.conv2dGradInput(dgy, dwt, x.shape(), p);
                    Tensor gw = conv.conv2dGradWeight(dgy, dx, wt.shape(), p)) {
                TensorAssert.assertClose(what + " grad_input alone", g.gradInput(), cuda.toHost(gi),
                        TensorAssert.GRADIENT);
                TensorAssert.assertClose(what + " grad_weight alone", g.gradWeight(), cuda.toHost(gw),
                        TensorAssert.GRADIENT);
            }
        });
    }

    @Test
    void float64MatchesTheCpuBackend() {
        CudaBackend cuda = CudaTestSupport.backend();
        CudnnConv conv = conv(fp32());
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
                Tensor dy = conv.conv2d(dx, dwt, db, p); Tensor dgy = cuda.toDevice(gy);
                Conv2dGrads dg = conv.conv2dBackward(dgy, dx, dwt, p, true)) {
            TensorAssert.assertClose(what + " output", y, cuda.toHost(dy), 1e-12);
            TensorAssert.assertClose(what + " grad_input", g.gradInput(), cuda.toHost(dg.gradInput()), 1e-12);
            TensorAssert.assertClose(what + " grad_weight", g.gradWeight(), cuda.toHost(dg.gradWeight()), 1e-12);
        }
    }

    /**
     * TF32 (the default, as torch.backends.cudnn.allow_tf32) rounds FP32 operands to 10 mantissa bits: close to
     * the FP32 result, but not within FP32's tolerance. The emulator's stand-in rounds as tensor cores do.
     */
    @Test
    void tf32IsASwitch() {
        CudaBackend cuda = CudaTestSupport.backend();
        CudnnConv tf32 = conv(fp32().withCudnnTf32(true));
        Conv2dParams p = Conv2dParams.of(1, 1, 1, 1);
        RandomTensors rnd = new RandomTensors();
        Tensor x = rnd.normal(2, 16, 8, 8);
        Tensor wt = rnd.normal(8, 16, 3, 3);
        Tensor y = cpu.conv().conv2d(x, wt, null, p);
        try (Tensor dx = cuda.toDevice(x); Tensor dwt = cuda.toDevice(wt); Tensor dy = tf32.conv2d(dx, dwt, null, p)) {
            Tensor got = cuda.toHost(dy);
            TensorAssert.assertClose("seed " + rnd.seed() + " TF32 output", y, got, 5e-3);
            if (CudaTestSupport.device().isEmulated()) {
                double worst = 0;
                for (int i = 0; i < y.numel(); i++) {
                    worst = Math.max(worst, Math.abs(y.getDouble(i) - got.getDouble(i)));
                }
                assertTrue(worst > 1e-4, "TF32 rounding shows (largest difference " + worst + ")");
            }
        }
    }

    @Test
    void deterministicModeChoosesDeterministicAlgorithms() {
        CudaBackend cuda = CudaTestSupport.backend();
        CudaDevice d = CudaTestSupport.device();
        Cudnn cudnn = cudnn(d);
        CudnnConv conv = conv(fp32().withDeterministic(true));
        Conv2dParams p = Conv2dParams.of(1, 1, 1, 1);
        RandomTensors rnd = new RandomTensors();
        Tensor x = rnd.normal(2, 3, 6, 6);
        Tensor wt = rnd.normal(4, 3, 3, 3);
        try (Tensor dx = cuda.toDevice(x); Tensor dwt = cuda.toDevice(wt); Tensor y = conv.conv2d(dx, dwt, null, p);
                Tensor dgy = cuda.toDevice(rnd.normal(y.shape()));
                Conv2dGrads g = conv.conv2dBackward(dgy, dx, dwt, p, false);
                Cudnn.Convolution c = cudnn.convolution(false, 2, 3, 6, 6, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1,
                        Cudnn.MATH_FMA)) {
            Map<CudnnConv.AlgoKey, Integer> chosen = conv.chosenAlgorithms();
            assertEquals(3, chosen.size(), "one choice per kind: " + chosen);
            for (Map.Entry<CudnnConv.AlgoKey, Integer> e : chosen.entrySet()) {
                boolean deterministic = cudnn.algorithms(e.getKey().kind(), c).stream()
                        .filter(a -> a.algo() == e.getValue()).allMatch(Cudnn.AlgoPerf::deterministic);
                assertTrue(deterministic, e + " is a deterministic algorithm");
            }
        }
    }

    @Test
    void theAlgorithmIsChosenOncePerProblem() {
        CudaBackend cuda = CudaTestSupport.backend();
        CudnnConv conv = conv(fp32());
        RandomTensors rnd = new RandomTensors();
        Tensor wt = rnd.normal(4, 3, 3, 3);
        try (Tensor dwt = cuda.toDevice(wt)) {
            for (int round = 0; round < 3; round++) {
                try (Tensor dx = cuda.toDevice(rnd.normal(2, 3, 7, 7));
                        Tensor y = conv.conv2d(dx, dwt, null, Conv2dParams.of(1, 1, 1, 1))) {
                    assertEquals(1, conv.chosenAlgorithms().size());
                }
            }
            try (Tensor dx = cuda.toDevice(rnd.normal(1, 3, 7, 7));
                    Tensor y = conv.conv2d(dx, dwt, null, Conv2dParams.of(1, 1, 1, 1))) {
                assertEquals(2, conv.chosenAlgorithms().size(), "another batch size is another problem");
            }
        }
    }

    @Test
    void fusedBiasReluMatchesTheCpuBackend() {
        CudaBackend cuda = CudaTestSupport.backend();
        CudnnConv conv = conv(fp32());
        Conv2dParams p = new Conv2dParams(2, 1, 1, 2, 1, 1, 1);
        RandomTensors rnd = new RandomTensors();
        Tensor x = rnd.normal(3, 5, 9, 8);
        Tensor wt = rnd.normal(6, 5, 3, 3);
        Tensor b = rnd.normal(6);
        Tensor pre = cpu.conv().conv2d(x, wt, b, p);
        float[] relu = pre.floats().clone();
        boolean someNegative = false;
        for (int i = 0; i < relu.length; i++) {
            someNegative |= relu[i] < 0;
            relu[i] = Math.max(relu[i], 0f);
        }
        assertTrue(someNegative, "the test needs negative pre-activations");
        Conv2dCudaTest.poisonCache(cuda, DType.F32, pre.shape());
        try (Tensor dx = cuda.toDevice(x); Tensor dwt = cuda.toDevice(wt); Tensor db = cuda.toDevice(b);
                Tensor y = conv.conv2dBiasRelu(dx, dwt, db, p)) {
            TensorAssert.assertClose("seed " + rnd.seed() + " relu(conv + bias)", Tensor.ofFloats(relu, pre.shape()),
                    cuda.toHost(y), TensorAssert.FORWARD);
        }
    }

    @Test
    void emptyBatchRunsOnRcnn4jsKernels() {
        CudaBackend cuda = CudaTestSupport.backend();
        CudnnConv conv = conv(fp32());
        Tensor w = new RandomTensors().normal(4, 3, 3, 3);
        try (Tensor dx = cuda.toDevice(Tensor.zeros(DType.F32, 0, 3, 5, 5)); Tensor dw = cuda.toDevice(w);
                Tensor y = conv.conv2d(dx, dw, null, Conv2dParams.of(1, 1, 1, 1))) {
            TensorAssert.assertShape("output", y, 0, 4, 5, 5);
            assertFalse(conv.chosenAlgorithms().keySet().stream().anyMatch(k -> k.n() == 0));
        }
    }

    /**
     * Benchmark mode (torch.backends.cudnn.benchmark): one timed search per problem and kind, cached; the choice is
     * the fastest acceptable algorithm of cudnnFind*AlgorithmEx, which on the stand-in's fixed cost model is forward
     * GEMM (the one that needs a workspace), backward data ALGO_0 and backward filter ALGO_3 (both
     * non-deterministic), or backward data and filter ALGO_1 in deterministic mode; results still match the CPU
     * backend, and the search's workspace and scratch output go back to the allocator.
     */
    @ParameterizedTest
    @CsvSource({"false, 2, 0, 3", "true, 2, 1, 1"})
    void benchmarkModeSearchesOncePerProblem(boolean deterministic, int forward, int data, int filter) {
        CudaBackend cuda = CudaTestSupport.backend();
        CudnnConv conv = conv(fp32().withBenchmark(true).withDeterministic(deterministic));
        Conv2dParams p = new Conv2dParams(2, 1, 1, 1, 1, 2, 2);
        RandomTensors rnd = new RandomTensors();
        Tensor x = rnd.normal(2, 4, 9, 10);
        Tensor wt = rnd.normal(6, 2, 3, 3);
        Tensor b = rnd.normal(6);
        Tensor y = cpu.conv().conv2d(x, wt, b, p);
        Tensor gy = rnd.normal(y.shape());
        Conv2dGrads g = cpu.conv().conv2dBackward(gy, x, wt, p, true);
        String what = "seed " + rnd.seed();
        CudaTestSupport.assertNoLeak(what, () -> {
            for (int round = 0; round < 2; round++) {
                Conv2dCudaTest.poisonCache(cuda, DType.F32, y.shape(), x.shape(), wt.shape(), new int[] {6});
                try (Tensor dx = cuda.toDevice(x); Tensor dwt = cuda.toDevice(wt); Tensor db = cuda.toDevice(b);
                        Tensor dy = conv.conv2d(dx, dwt, db, p); Tensor dgy = cuda.toDevice(gy);
                        Conv2dGrads dg = conv.conv2dBackward(dgy, dx, dwt, p, true)) {
                    TensorAssert.assertClose(what + " output", y, cuda.toHost(dy), TensorAssert.FORWARD);
                    TensorAssert.assertClose(what + " grad_input", g.gradInput(), cuda.toHost(dg.gradInput()),
                            TensorAssert.GRADIENT);
                    TensorAssert.assertClose(what + " grad_weight", g.gradWeight(), cuda.toHost(dg.gradWeight()),
                            TensorAssert.GRADIENT);
                }
                assertEquals(3, conv.searches(), "one search per kind, the first time only (round " + round + ")");
            }
        });
        Map<Cudnn.Kind, Integer> byKind = new java.util.EnumMap<>(Cudnn.Kind.class);
        conv.chosenAlgorithms().forEach((k, v) -> {
            assertTrue(k.benchmark(), "the key records the search mode: " + k);
            byKind.put(k.kind(), v);
        });
        assertEquals(Map.of(Cudnn.Kind.FORWARD, forward, Cudnn.Kind.BACKWARD_DATA, data, Cudnn.Kind.BACKWARD_FILTER,
                filter), byKind);
    }

    /** Without benchmark mode the heuristics' first supported algorithm is taken and nothing is timed. */
    @Test
    void heuristicModeTakesTheHeuristicsFirstChoice() {
        CudaBackend cuda = CudaTestSupport.backend();
        CudnnConv conv = conv(fp32());
        RandomTensors rnd = new RandomTensors();
        Conv2dParams p = Conv2dParams.of(1, 1, 1, 1);
        try (Tensor dx = cuda.toDevice(rnd.normal(1, 3, 6, 6)); Tensor dwt = cuda.toDevice(rnd.normal(4, 3, 3, 3));
                Tensor y = conv.conv2d(dx, dwt, null, p)) {
            assertEquals(0, conv.searches());
            assertEquals(List.of(Cudnn.FWD_IMPLICIT_PRECOMP_GEMM), List.copyOf(conv.chosenAlgorithms().values()));
        }
    }

    /** The fused bias + ReLU runs on the searched algorithm too (forward GEMM, with its workspace). */
    @Test
    void fusedBiasReluInBenchmarkMode() {
        CudaBackend cuda = CudaTestSupport.backend();
        CudnnConv conv = conv(fp32().withBenchmark(true));
        Conv2dParams p = Conv2dParams.of(1, 1, 1, 1);
        RandomTensors rnd = new RandomTensors();
        Tensor x = rnd.normal(2, 4, 7, 6);
        Tensor wt = rnd.normal(5, 4, 3, 3);
        Tensor b = rnd.normal(5);
        Tensor want = cpu.elementwise().relu(cpu.conv().conv2d(x, wt, b, p));
        CudaTestSupport.assertNoLeak("seed " + rnd.seed(), () -> {
            Conv2dCudaTest.poisonCache(cuda, DType.F32, want.shape());
            try (Tensor dx = cuda.toDevice(x); Tensor dwt = cuda.toDevice(wt); Tensor db = cuda.toDevice(b);
                    Tensor y = conv.conv2dBiasRelu(dx, dwt, db, p)) {
                TensorAssert.assertClose("seed " + rnd.seed() + " relu(conv + bias)", want, cuda.toHost(y),
                        TensorAssert.FORWARD);
            }
        });
        assertEquals(List.of(2), List.copyOf(conv.chosenAlgorithms().values()), "forward GEMM, the search's fastest");
    }

    /** F64 and empty batches: conv2d, then the relu kernel (cuDNN's fused call is used for F32 only). */
    @Test
    void fusedBiasReluInFloat64AndOnEmptyBatches() {
        CudaBackend cuda = CudaTestSupport.backend();
        CudnnConv conv = conv(fp32());
        Conv2dParams p = new Conv2dParams(1, 2, 0, 1, 1, 1, 1);
        RandomTensors rnd = new RandomTensors();
        Tensor x = GemmCudaTest.toF64(rnd.normal(2, 3, 6, 7));
        Tensor wt = GemmCudaTest.toF64(rnd.normal(4, 3, 3, 3));
        Tensor b = GemmCudaTest.toF64(rnd.normal(4));
        Tensor want = cpu.elementwise().relu(cpu.conv().conv2d(x, wt, b, p));
        try (Tensor dx = cuda.toDevice(x); Tensor dwt = cuda.toDevice(wt); Tensor db = cuda.toDevice(b);
                Tensor y = conv.conv2dBiasRelu(dx, dwt, db, p);
                Tensor empty = cuda.toDevice(Tensor.zeros(DType.F32, 0, 3, 6, 7));
                Tensor w32 = cuda.toDevice(rnd.normal(4, 3, 3, 3)); Tensor b32 = cuda.toDevice(rnd.normal(4));
                Tensor none = conv.conv2dBiasRelu(empty, w32, b32, p)) {
            TensorAssert.assertClose("seed " + rnd.seed() + " F64 relu(conv + bias)", want, cuda.toHost(y), 1e-12);
            TensorAssert.assertShape("empty batch", none, 0, 4, 4, 4);
        }
        try (Tensor dx = cuda.toDevice(rnd.normal(1, 3, 6, 7)); Tensor dwt = cuda.toDevice(rnd.normal(4, 3, 3, 3))) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> conv.conv2dBiasRelu(dx, dwt, null, p));
            assertTrue(e.getMessage().startsWith("bias"), e.getMessage());
        }
    }

    /** rcnn4j's own kernels (-Drcnn4j.cudnn=false) fuse nothing: conv2d.cu, then the relu kernel. */
    @Test
    void ownKernelsRunTheFusedCallAsConvThenRelu() {
        CudaBackend cuda = CudaTestSupport.backend();
        ConvCuda own = new ConvCuda(CudaTestSupport.device(), cuda.elementwise());
        Conv2dParams p = new Conv2dParams(2, 1, 1, 0, 1, 1, 1);
        RandomTensors rnd = new RandomTensors();
        Tensor x = rnd.normal(3, 4, 8, 7);
        Tensor wt = rnd.normal(5, 4, 3, 3);
        Tensor b = rnd.normal(5);
        Tensor want = cpu.elementwise().relu(cpu.conv().conv2d(x, wt, b, p));
        CudaTestSupport.assertNoLeak("seed " + rnd.seed(), () -> {
            Conv2dCudaTest.poisonCache(cuda, DType.F32, want.shape());
            try (Tensor dx = cuda.toDevice(x); Tensor dwt = cuda.toDevice(wt); Tensor db = cuda.toDevice(b);
                    Tensor y = own.conv2dBiasRelu(dx, dwt, db, p)) {
                TensorAssert.assertClose("seed " + rnd.seed() + " relu(conv + bias), own kernels", want,
                        cuda.toHost(y), TensorAssert.FORWARD);
            }
        });
    }
}
