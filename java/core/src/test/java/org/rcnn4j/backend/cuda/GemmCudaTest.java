package org.rcnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.kernels.GemmKernels;
import org.rcnn4j.cuda.kernels.GemmKernels.Precision;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.TensorAssert;

/** cuda/gemm.cu against the CPU backend on fresh random matrices, including sizes that do not divide its tiles. */
class GemmCudaTest {
    private final CpuBackend cpu = new CpuBackend();

    @ParameterizedTest
    @CsvSource({"1,1,1", "5,3,7", "64,64,64", "65,63,17", "130,7,129", "3,200,33", "70,66,0"})
    void matmulMatchesTheCpuBackend(int m, int n, int k) {
        CudaBackend cuda = CudaTestSupport.backend();
        RandomTensors rnd = new RandomTensors();
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Tensor a = ta ? rnd.normal(k, m) : rnd.normal(m, k);
                Tensor b = tb ? rnd.normal(n, k) : rnd.normal(k, n);
                String what = "seed " + rnd.seed() + " m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " tb=" + tb;
                CudaTestSupport.assertNoLeak(what, () -> {
                    Tensor expected = cpu.linalg().matmul(a, b, ta, tb);
                    // the op allocates its output: poison the cached block it will be handed
                    Conv2dCudaTest.poisonCache(cuda, DType.F32, new int[] {m, n});
                    try (Tensor da = cuda.toDevice(a); Tensor db = cuda.toDevice(b);
                            Tensor dc = cuda.linalg().matmul(da, db, ta, tb)) {
                        TensorAssert.assertClose(what, expected, cuda.toHost(dc), TensorAssert.FORWARD);
                    }
                    Tensor a64 = toF64(a);
                    Tensor b64 = toF64(b);
                    try (Tensor da = cuda.toDevice(a64); Tensor db = cuda.toDevice(b64);
                            Tensor dc = cuda.linalg().matmul(da, db, ta, tb)) {
                        TensorAssert.assertClose(what + " f64", cpu.linalg().matmul(a64, b64, ta, tb), cuda.toHost(dc),
                                1e-12);
                    }
                });
            }
        }
    }

    /** Leading dimensions wider than the matrix, beta = 1 accumulation, beta = 0 overwriting NaN. */
    @Test
    void kernelHonoursLeadingDimensionsAndBeta() {
        CudaDevice d = CudaTestSupport.device();
        RandomTensors rnd = new RandomTensors();
        int m = 67;
        int n = 45;
        int k = 20;
        int lda = k + 3;
        int ldb = n + 5;
        int ldc = n + 2;
        Tensor aWide = rnd.normal(m, lda);
        Tensor bWide = rnd.normal(k, ldb);
        Tensor c0 = rnd.normal(m, ldc);
        Tensor a = slice(aWide, m, k);
        Tensor b = slice(bWide, k, n);
        float[] expected = cpu.linalg().matmul(a, b, false, false).floats();
        try (Tensor da = Transfers.toDevice(d, aWide); Tensor db = Transfers.toDevice(d, bWide);
                Tensor dc = CudaTestSupport.poisoned(DType.F32, m, ldc)) {
            GemmKernels.gemm(d, Precision.F32, m, n, k, da.deviceBuffer(), lda, false, db.deviceBuffer(), ldb, false,
                    dc.deviceBuffer(), ldc, 0.0);
            float[] got = Transfers.toHost(d, dc).floats();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < ldc; j++) {
                    float v = got[i * ldc + j];
                    if (j < n) {
                        assertTrue(Math.abs(v - expected[i * n + j]) <= 2e-5 * 8, "seed " + rnd.seed() + " (" + i
                                + "," + j + "): " + v + " vs " + expected[i * n + j]);
                    } else {
                        assertTrue(Float.isNaN(v), "column " + j + " beyond n was written: " + v);
                    }
                }
            }
        }
        try (Tensor da = Transfers.toDevice(d, aWide); Tensor db = Transfers.toDevice(d, bWide);
                Tensor dc = Transfers.toDevice(d, c0)) {
            GemmKernels.gemm(d, Precision.F32, m, n, k, da.deviceBuffer(), lda, false, db.deviceBuffer(), ldb, false,
                    dc.deviceBuffer(), ldc, 1.0);
            float[] got = Transfers.toHost(d, dc).floats();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < ldc; j++) {
                    float want = c0.floats()[i * ldc + j] + (j < n ? expected[i * n + j] : 0f);
                    assertTrue(Math.abs(got[i * ldc + j] - want) <= 2e-4, "seed " + rnd.seed() + " beta=1 (" + i
                            + "," + j + "): " + got[i * ldc + j] + " vs " + want);
                }
            }
        }
    }

    @Test
    void badInputNamesTheArgument() {
        CudaBackend cuda = CudaTestSupport.backend();
        try (Tensor a = cuda.toDevice(Tensor.zeros(DType.F32, 2, 3));
                Tensor b = cuda.toDevice(Tensor.zeros(DType.F32, 4, 5))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> cuda.linalg().matmul(a, b, false, false));
            assertTrue(e.getMessage().startsWith("b:"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cuda.linalg().matmul(Tensor.zeros(DType.F32, 2, 3), Tensor.zeros(DType.F32, 3, 2), false, false));
        assertTrue(e.getMessage().startsWith("a:"), e.getMessage());
    }

    static Tensor toF64(Tensor t) {
        double[] d = new double[t.numel()];
        for (int i = 0; i < d.length; i++) {
            d[i] = t.getDouble(i);
        }
        return Tensor.ofDoubles(d, t.shape());
    }

    private static Tensor slice(Tensor wide, int rows, int cols) {
        int ld = wide.size(1);
        float[] out = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(wide.floats(), i * ld, out, i * cols, cols);
        }
        return Tensor.ofFloats(out, rows, cols);
    }
}
