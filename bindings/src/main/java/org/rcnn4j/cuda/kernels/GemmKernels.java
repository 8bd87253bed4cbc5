package org.rcnn4j.cuda.kernels;

import jcuda.driver.CUdeviceptr;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.Grid;

/**
 * The pointer-level face of cuda/gemm.cu: C = op(A)·op(B) + beta·C on row-major device matrices, one launch on the
 * device's stream, no host sync. Usable on any framework's device memory.
 */
public final class GemmKernels {
    public static final String GEMM_F32 = "rcnn4j_gemm_f32";
    public static final String GEMM_F64 = "rcnn4j_gemm_f64";

    /** Element type of the operands. */
    public enum Precision {
        F32, F64
    }

    // the launch shape cuda/rcnn4j/gemm_tile.cuh is written for: 64 x 64 tiles of C, 256 threads
    static final int TILE = 64;
    static final int THREADS = 256;
    static final int MAX_GRID_YZ = 65535;

    private GemmKernels() {
    }

    /**
     * C [m,n] = op(A) op(B) + beta C, where A is stored [m,k] (or [k,m] when transA) with leading dimension lda, B
     * is stored [k,n] (or [n,k] when transB) with ldb, C has ldc. beta = 0 overwrites C (whatever it held); k = 0
     * gives beta C. Asynchronous on the device's stream.
     */
    public static void gemm(CudaDevice device, Precision precision, int m, int n, int k, CUdeviceptr a, int lda,
            boolean transA, CUdeviceptr b, int ldb, boolean transB, CUdeviceptr c, int ldc, double beta) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm: sizes must be >= 0, got m=" + m + " n=" + n + " k=" + k);
        }
        checkLd("lda", lda, transA ? m : k);
        checkLd("ldb", ldb, transB ? k : n);
        checkLd("ldc", ldc, n);
        if (m == 0 || n == 0) {
            return;
        }
        int gy = (m + TILE - 1) / TILE;
        if (gy > MAX_GRID_YZ) {
            throw new IllegalArgumentException("gemm: m=" + m + " exceeds " + (long) MAX_GRID_YZ * TILE + " rows");
        }
        Grid grid = Grid.of((n + TILE - 1) / TILE, gy, 1, THREADS, 1, 1);
        if (precision == Precision.F32) {
            device.kernel(GEMM_F32).launch(grid, m, n, k, a, lda, transA ? 1 : 0, b, ldb, transB ? 1 : 0, c, ldc,
                    (float) beta);
        } else {
            device.kernel(GEMM_F64).launch(grid, m, n, k, a, lda, transA ? 1 : 0, b, ldb, transB ? 1 : 0, c, ldc,
                    beta);
        }
    }

    /** {@link #gemm(CudaDevice, Precision, int, int, int, CUdeviceptr, int, boolean, CUdeviceptr, int, boolean,
     * CUdeviceptr, int, double)} on buffers. */
    public static void gemm(CudaDevice device, Precision precision, int m, int n, int k, DeviceBuffer a, int lda,
            boolean transA, DeviceBuffer b, int ldb, boolean transB, DeviceBuffer c, int ldc, double beta) {
        gemm(device, precision, m, n, k, a.pointer(), lda, transA, b.pointer(), ldb, transB, c.pointer(), ldc, beta);
    }

    private static void checkLd(String name, int ld, int columns) {
        if (ld < Math.max(1, columns)) {
            throw new IllegalArgumentException("gemm: " + name + " must be >= max(1, " + columns + "), got " + ld);
        }
    }
}
