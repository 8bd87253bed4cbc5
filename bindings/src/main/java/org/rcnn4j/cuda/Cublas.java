package org.rcnn4j.cuda;

import java.util.HashMap;
import java.util.Map;

/**
 * cuBLAS on one device through rcnn4j's JNI binding: the GEMMs rcnn4j calls (cublasGemmEx and
 * cublasGemmStridedBatchedEx, FP32 and FP64) on the device's stream, with host scalars. Column-major, as cuBLAS:
 * element (i, j) of a matrix with leading dimension ld is at i + j * ld.
 *
 * <p>{@link #status(CudaDevice)} says whether cuBLAS is usable and why not; {@link #open(CudaDevice)} throws
 * {@link CudaUnavailableException} with that reason. On the emulator this is rcnn4j's CPU stand-in.
 *
 * <p>cuBLAS gives bitwise identical results run to run on one GPU model and toolkit when all work is on one stream
 * (cuBLAS guide, "Results reproducibility"), which rcnn4j's single stream is.
 */
public final class Cublas {
    // cublasOperation_t, cudaDataType, cublasComputeType_t, cublasGemmAlgo_t, cublasMath_t (cuBLAS guide)
    static final int OP_N = 0;
    static final int OP_T = 1;
    static final int CUDA_R_32F = 0;
    static final int CUDA_R_64F = 1;
    static final int COMPUTE_32F = 68;
    static final int COMPUTE_64F = 70;
    static final int GEMM_DEFAULT = -1;
    static final int DEFAULT_MATH = 0;
    static final int TF32_TENSOR_OP_MATH = 3;

    private static final Map<CudaDevice, Cublas> OPEN = new HashMap<>();

    private final CudaDevice device;
    private final NvidiaLibraries.Opened library;
    private final HandlePool handles;
    private final String version;

    private Cublas(CudaDevice device, NvidiaLibraries.Opened library) {
        this.device = device;
        this.library = library;
        this.handles = new HandlePool(this::createHandle);
        long h = handles.acquire();
        try {
            int[] v = new int[1];
            check(NvidiaNative.cublasGetVersion(h, v), "cublasGetVersion_v2");
            this.version = v[0] / 10000 + "." + v[0] / 100 % 100 + "." + v[0] % 100;
        } finally {
            handles.release(h);
        }
    }

    /**
     * cuBLAS on this device (one instance per device).
     *
     * @throws CudaUnavailableException cuBLAS cannot be used here; the message says why
     */
    public static synchronized Cublas open(CudaDevice device) {
        Cublas c = OPEN.get(device);
        if (c == null) {
            NvidiaLibraries.Opened lib = NvidiaLibraries.cublas(device.isEmulated());
            if (lib.error() != null) {
                throw new CudaUnavailableException("cuBLAS is unavailable: " + lib.error());
            }
            device.enter();
            c = new Cublas(device, lib);
            OPEN.put(device, c);
        }
        return c;
    }

    /** Whether cuBLAS is usable on this device: its version and file, or why not. Never throws. */
    public static NvidiaLibraryStatus status(CudaDevice device) {
        try {
            Cublas c = open(device);
            return new NvidiaLibraryStatus("cuBLAS", c.version, c.library.path(), c.library.standIn(), null);
        } catch (RuntimeException | LinkageError e) {
            return NvidiaLibraryStatus.unavailable("cuBLAS", e.getMessage());
        }
    }

    /** "13.0.0". */
    public String version() {
        return version;
    }

    public boolean isStandIn() {
        return library.standIn();
    }

    /**
     * C = alpha op(A) op(B) + beta C (column-major, m x n, k the inner extent) through cublasGemmEx, queued on the
     * device's stream. {@code allowTf32} lets FP32 run on TF32 tensor cores (math mode CUBLAS_TF32_TENSOR_OP_MATH).
     */
    public void gemm(boolean doubles, boolean transA, boolean transB, int m, int n, int k, double alpha,
            DeviceBuffer a, int lda, DeviceBuffer b, int ldb, double beta, DeviceBuffer c, int ldc,
            boolean allowTf32) {
        int type = doubles ? CUDA_R_64F : CUDA_R_32F;
        long h = acquire(allowTf32);
        try {
            check(NvidiaNative.cublasGemmEx(h, transA ? OP_T : OP_N, transB ? OP_T : OP_N, m, n, k, false, alpha, 0,
                    NvidiaLibraries.address(a), type, lda, NvidiaLibraries.address(b), type, ldb, beta, 0,
                    NvidiaLibraries.address(c), type, ldc, doubles ? COMPUTE_64F : COMPUTE_32F, GEMM_DEFAULT),
                    "cublasGemmEx(m=" + m + ", n=" + n + ", k=" + k + ")");
        } finally {
            handles.release(h);
        }
    }

    /** {@link #gemm} over {@code batch} matrices, each operand's next one {@code stride} elements further. */
    public void gemmStridedBatched(boolean doubles, boolean transA, boolean transB, int m, int n, int k,
            double alpha, DeviceBuffer a, int lda, long strideA, DeviceBuffer b, int ldb, long strideB, double beta,
            DeviceBuffer c, int ldc, long strideC, int batch, boolean allowTf32) {
        int type = doubles ? CUDA_R_64F : CUDA_R_32F;
        long h = acquire(allowTf32);
        try {
            check(NvidiaNative.cublasGemmStridedBatchedEx(h, transA ? OP_T : OP_N, transB ? OP_T : OP_N, m, n, k,
                    alpha, NvidiaLibraries.address(a), type, lda, strideA, NvidiaLibraries.address(b), type, ldb,
                    strideB, beta, NvidiaLibraries.address(c), type, ldc, strideC, batch,
                    doubles ? COMPUTE_64F : COMPUTE_32F, GEMM_DEFAULT), "cublasGemmStridedBatchedEx(m=" + m + ", n="
                    + n + ", k=" + k + ", batch=" + batch + ")");
        } finally {
            handles.release(h);
        }
    }

    /** A handle of this device's context, on its stream, in the asked math mode (released by the caller). */
    long acquire(boolean allowTf32) {
        device.enter();
        long h = handles.acquire();
        try {
            check(NvidiaNative.cublasSetStream(h, NvidiaLibraries.stream(device)), "cublasSetStream_v2");
            check(NvidiaNative.cublasSetMathMode(h, allowTf32 ? TF32_TENSOR_OP_MATH : DEFAULT_MATH),
                    "cublasSetMathMode");
            return h;
        } catch (RuntimeException e) {
            handles.release(h);
            throw e;
        }
    }

    void release(long handle) {
        handles.release(handle);
    }

    private long createHandle() {
        long[] h = new long[1];
        check(NvidiaNative.cublasCreate(h), "cublasCreate_v2");
        return h[0];
    }

    /** Throws NvidiaLibraryException unless {@code status} is CUBLAS_STATUS_SUCCESS. */
    static void check(int status, String call) {
        if (status != 0) {
            String text = NvidiaNative.cublasDescribe(status);
            throw new NvidiaLibraryException("cuBLAS", call + " failed: status " + status
                    + (text == null ? "" : " (" + text + ")"), status);
        }
    }
}
