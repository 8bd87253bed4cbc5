package org.rcnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.cuda.Cublas;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.NvidiaLibraryStatus;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.TensorAssert;

/**
 * matmul through cuBLAS (on cuda-emu: the emulator's stand-in) against the CPU backend on fresh random inputs,
 * every transpose combination, F32 and F64, empty extents, and TF32 as a switch.
 */
class CublasLinalgTest {
    private final CpuBackend cpu = new CpuBackend();

    private static CublasLinalg linalg(boolean tf32) {
        CudaDevice d = CudaTestSupport.device();
        NvidiaLibraryStatus status = Cublas.status(d);
        if (d.isEmulated()) {
            assertTrue(status.available() && status.standIn(), "the emulator's stand-in cuBLAS must load: "
                    + status.describe());
        } else {
            Assumptions.assumeTrue(status.available(), () -> "no cuBLAS on this GPU machine: " + status.describe());
        }
        return new CublasLinalg(d, Cublas.open(d), tf32);
    }

    @ParameterizedTest
    @CsvSource({"1, 1, 1", "3, 5, 7", "64, 64, 64", "63, 65, 17", "7, 130, 129", "200, 3, 33"})
    void matchesTheCpuBackend(int m, int k, int n) {
        CudaBackend cuda = CudaTestSupport.backend();
        CublasLinalg linalg = linalg(false);
        RandomTensors rnd = new RandomTensors();
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Tensor a = ta ? rnd.normal(k, m) : rnd.normal(m, k);
                Tensor b = tb ? rnd.normal(n, k) : rnd.normal(k, n);
                Tensor expected = cpu.linalg().matmul(a, b, ta, tb);
                Conv2dCudaTest.poisonCache(cuda, DType.F32, new int[] {m, n});
                CudaTestSupport.assertNoLeak("matmul", () -> {
                    try (Tensor da = cuda.toDevice(a); Tensor db = cuda.toDevice(b);
                            Tensor c = linalg.matmul(da, db, ta, tb)) {
                        TensorAssert.assertClose("seed " + rnd.seed() + " " + m + "x" + k + "x" + n + " ta=" + ta
                                + " tb=" + tb, expected, cuda.toHost(c), TensorAssert.FORWARD);
                    }
                });
            }
        }
    }

    @Test
    void float64MatchesTheCpuBackend() {
        CudaBackend cuda = CudaTestSupport.backend();
        RandomTensors rnd = new RandomTensors();
        Tensor a = GemmCudaTest.toF64(rnd.normal(9, 13));
        Tensor b = GemmCudaTest.toF64(rnd.normal(11, 13));
        try (Tensor da = cuda.toDevice(a); Tensor db = cuda.toDevice(b);
                Tensor c = linalg(false).matmul(da, db, false, true)) {
            TensorAssert.assertClose("seed " + rnd.seed(), cpu.linalg().matmul(a, b, false, true), cuda.toHost(c),
                    1e-12);
        }
    }

    @Test
    void emptyExtents() {
        CudaBackend cuda = CudaTestSupport.backend();
        CublasLinalg linalg = linalg(false);
        try (Tensor a = cuda.toDevice(Tensor.zeros(DType.F32, 4, 0)); Tensor b = cuda.toDevice(Tensor.zeros(DType.F32,
                0, 3)); Tensor c = linalg.matmul(a, b, false, false)) {
            TensorAssert.assertExact("k = 0 gives zeros", Tensor.zeros(DType.F32, 4, 3), cuda.toHost(c));
        }
        try (Tensor a = cuda.toDevice(Tensor.zeros(DType.F32, 0, 5)); Tensor b = cuda.toDevice(new RandomTensors()
                .normal(5, 3)); Tensor c = linalg.matmul(a, b, false, false)) {
            TensorAssert.assertShape("m = 0", c, 0, 3);
        }
    }

    /** TF32 (off by default, as torch.backends.cuda.matmul.allow_tf32): close, but not FP32-exact. */
    @Test
    void tf32IsASwitch() {
        CudaBackend cuda = CudaTestSupport.backend();
        RandomTensors rnd = new RandomTensors();
        Tensor a = rnd.normal(40, 256);
        Tensor b = rnd.normal(256, 30);
        Tensor expected = cpu.linalg().matmul(a, b, false, false);
        try (Tensor da = cuda.toDevice(a); Tensor db = cuda.toDevice(b);
                Tensor c = linalg(true).matmul(da, db, false, false)) {
            Tensor got = cuda.toHost(c);
            TensorAssert.assertClose("seed " + rnd.seed() + " TF32", expected, got, 5e-3);
            if (CudaTestSupport.device().isEmulated()) {
                double worst = 0;
                for (int i = 0; i < got.numel(); i++) {
                    worst = Math.max(worst, Math.abs(expected.getDouble(i) - got.getDouble(i)));
                }
                assertTrue(worst > 1e-4, "TF32 rounding shows (largest difference " + worst + ")");
            }
        }
    }

    /** input [M,K] . weight[N,K]^T + bias[N] on the CPU backend, in double (the reference). */
    private static Tensor linearReference(Tensor x, Tensor w, Tensor b) {
        int m = x.size(0);
        int k = x.size(1);
        int n = w.size(0);
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = b.getDouble(j);
                for (int p = 0; p < k; p++) {
                    s += x.getDouble(i * k + p) * w.getDouble(j * k + p);
                }
                out[i * n + j] = s;
            }
        }
        return Tensor.ofDoubles(out, m, n);
    }

    /**
     * Linear with its bias in cuBLAS's GEMM (the output preset to the broadcast bias, beta = 1), F32 and F64,
     * against a double reference on fresh random inputs with a poisoned output cache; also through F.linear, which
     * takes this path on cuBLAS.
     */
    @ParameterizedTest
    @CsvSource({"1, 1, 1", "5, 7, 3", "63, 65, 17", "200, 33, 91"})
    void linearWithBiasMatchesAReference(int m, int k, int n) {
        CudaBackend cuda = CudaTestSupport.backend();
        CublasLinalg linalg = linalg(false);
        RandomTensors rnd = new RandomTensors();
        Tensor x = rnd.normal(m, k);
        Tensor w = rnd.normal(n, k);
        Tensor b = rnd.normal(n);
        Tensor want = linearReference(x, w, b);
        String what = "seed " + rnd.seed() + " " + m + "x" + k + "x" + n;
        CudaTestSupport.assertNoLeak(what, () -> {
            for (boolean f64 : new boolean[] {false, true}) {
                Tensor hx = f64 ? GemmCudaTest.toF64(x) : x;
                Tensor hw = f64 ? GemmCudaTest.toF64(w) : w;
                Tensor hb = f64 ? GemmCudaTest.toF64(b) : b;
                Conv2dCudaTest.poisonCache(cuda, f64 ? DType.F64 : DType.F32, new int[] {m, n});
                try (Tensor dx = cuda.toDevice(hx); Tensor dw = cuda.toDevice(hw); Tensor db = cuda.toDevice(hb);
                        Tensor y = linalg.linearWithBias(dx, dw, db).orElseThrow()) {
                    TensorAssert.assertClose(what + (f64 ? " F64" : " F32"), want, cuda.toHost(y),
                            f64 ? 1e-12 : TensorAssert.FORWARD);
                }
            }
            if (cuda.linalg() instanceof CublasLinalg) {
                try (org.rcnn4j.autograd.Autograd.NoGrad ng = org.rcnn4j.autograd.Autograd.noGrad();
                        org.rcnn4j.autograd.Var vx = org.rcnn4j.autograd.Var.fromHost(cuda, x);
                        org.rcnn4j.autograd.Var vw = org.rcnn4j.autograd.Var.fromHost(cuda, w);
                        org.rcnn4j.autograd.Var vb = org.rcnn4j.autograd.Var.fromHost(cuda, b);
                        org.rcnn4j.autograd.Var y = org.rcnn4j.nn.functional.Functional.linear(vx, vw, vb)) {
                    TensorAssert.assertClose(what + " F.linear", want, y.toHost(), TensorAssert.FORWARD);
                }
            }
        });
    }

    @Test
    void linearWithBiasChecksItsArgumentsAndLeavesEmptyExtentsToTheComposedPath() {
        CudaBackend cuda = CudaTestSupport.backend();
        CublasLinalg linalg = linalg(false);
        RandomTensors rnd = new RandomTensors();
        try (Tensor x = cuda.toDevice(rnd.normal(4, 3)); Tensor w = cuda.toDevice(rnd.normal(5, 3));
                Tensor b = cuda.toDevice(rnd.normal(4)); Tensor none = cuda.toDevice(Tensor.zeros(DType.F32, 0, 3));
                Tensor b5 = cuda.toDevice(rnd.normal(5))) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> linalg.linearWithBias(x, w, b));
            assertTrue(e.getMessage().startsWith("bias: expected shape [5]"), e.getMessage());
            assertTrue(linalg.linearWithBias(none, w, b5).isEmpty(), "M = 0");
        }
    }
}
