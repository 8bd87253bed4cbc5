package org.rcnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * cublasGemmStridedBatchedEx through {@link Cublas} against a double-precision loop on fresh random inputs:
 * column-major, transposed A, padded leading dimensions and strides, every output element written (C is poisoned
 * with NaN first and beta is 0, so it must not be read).
 */
class CublasStridedBatchedTest {
    @Test
    void matchesALoop() {
        CudaDevice device = TestDevice.get();
        NvidiaLibraryStatus status = Cublas.status(device);
        if (!device.isEmulated()) {
            assumeTrue(status.available(), () -> "no cuBLAS on this GPU machine: " + status.describe());
        }
        Cublas cublas = Cublas.open(device);
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int m = 5, n = 4, k = 7, batch = 3;
        int lda = k + 1;               // A is stored k x m (transposed), ld k + 1
        int ldb = k + 2;               // B is k x n
        int ldc = m + 3;               // C is m x n
        long strideA = (long) lda * m + 5, strideB = (long) ldb * n + 1, strideC = (long) ldc * n + 2;
        float[] a = randoms(random, (int) (strideA * batch));
        float[] b = randoms(random, (int) (strideB * batch));
        float[] c = new float[(int) (strideC * batch)];
        java.util.Arrays.fill(c, Float.NaN);
        try (DeviceBuffer da = device.allocate(4L * a.length); DeviceBuffer db = device.allocate(4L * b.length);
                DeviceBuffer dc = device.allocate(4L * c.length)) {
            device.copyHostToDevice(da, a);
            device.copyHostToDevice(db, b);
            device.copyHostToDevice(dc, c);
            cublas.gemmStridedBatched(false, true, false, m, n, k, 1.0, da, lda, strideA, db, ldb, strideB, 0.0, dc,
                    ldc, strideC, batch, false);
            device.copyDeviceToHost(c, dc);
        }
        for (int s = 0; s < batch; s++) {
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < m; i++) {
                    double sum = 0;
                    for (int p = 0; p < k; p++) {
                        sum += (double) a[(int) (s * strideA) + p + i * lda] * b[(int) (s * strideB) + p + j * ldb];
                    }
                    float got = c[(int) (s * strideC) + i + j * ldc];
                    assertEquals(sum, got, 2e-5 * Math.max(1, Math.abs(sum)), "seed " + seed + " batch " + s
                            + " C(" + i + "," + j + ")");
                }
            }
        }
    }

    private static float[] randoms(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
