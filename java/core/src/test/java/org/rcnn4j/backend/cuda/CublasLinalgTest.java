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
}
