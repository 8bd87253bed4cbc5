// The emulator's stand-in libcublas.so.13: the cuBLAS entry points rcnn4j calls, computed on the CPU over the
// emulator's device memory, with the argument checks NVIDIA's cuBLAS Library User Guide documents (sections
// "cublasCreate", "cublasSetStream", "cublasSetWorkspace", "cublasSetMathMode", "cublasGemmEx",
// "cublasGemmStridedBatchedEx", "cublasStatus_t"), plus the checks a GPU makes by faulting (memory ranges),
// reported as statuses. Column-major: element (i, j) of a matrix with leading dimension ld is at i + j * ld.
#include <algorithm>
#include <cmath>
#include <vector>

#include "standin.h"

using namespace standin;

namespace {

// cublasStatus_t
enum : int {
    SUCCESS = 0,
    NOT_INITIALIZED = 1,
    ALLOC_FAILED = 3,
    INVALID_VALUE = 7,
    ARCH_MISMATCH = 8,
    MAPPING_ERROR = 11,
    EXECUTION_FAILED = 13,
    INTERNAL_ERROR = 14,
    NOT_SUPPORTED = 15,
    LICENSE_ERROR = 16,
};

// cublasOperation_t, cublasPointerMode_t, cublasMath_t, cudaDataType, cublasComputeType_t, cublasGemmAlgo_t
enum : int { OP_N = 0, OP_T = 1, OP_C = 2 };
enum : int { POINTER_HOST = 0, POINTER_DEVICE = 1 };
enum : int { DEFAULT_MATH = 0, TENSOR_OP_MATH = 1, PEDANTIC_MATH = 2, TF32_TENSOR_OP_MATH = 3,
             DISALLOW_REDUCED_PRECISION_REDUCTION = 16 };
enum : int { CUDA_R_32F = 0, CUDA_R_64F = 1 };
enum : int { COMPUTE_32F = 68, COMPUTE_32F_PEDANTIC = 69, COMPUTE_64F = 70, COMPUTE_64F_PEDANTIC = 71,
             COMPUTE_32F_FAST_16F = 74, COMPUTE_32F_FAST_16BF = 75, COMPUTE_32F_FAST_TF32 = 77 };

// CUBLAS_VERSION of the release this stand-in answers as: 13.0.0 (major * 10000 + minor * 100 + patch).
constexpr int kVersion = 130000;

}  // namespace

struct cublasContext {
    CUcontext ctx = nullptr;
    CUstream stream = nullptr;
    bool stream_set = false;
    int math_mode = DEFAULT_MATH;
    int pointer_mode = POINTER_HOST;
    void* workspace = nullptr;
    size_t workspace_bytes = 0;
};
typedef cublasContext* cublasHandle_t;

namespace {

Registry<cublasContext> g_handles;

// A live handle, or NOT_INITIALIZED ("the cuBLAS library was not initialized": a null, destroyed or foreign
// handle).
int check_handle(const char* fn, cublasHandle_t h) {
    if (h == nullptr) return fail(NOT_INITIALIZED, format("%s: handle is null (cublasCreate_v2 first)", fn));
    if (!g_handles.contains(h)) {
        return fail(NOT_INITIALIZED, format("%s: handle %p is not a live cuBLAS handle (destroyed, or never made "
                                            "by cublasCreate_v2)", fn, static_cast<void*>(h)));
    }
    return SUCCESS;
}

// The handle's stream must be one the driver knows (a destroyed stream fails the launch on a GPU); the stand-in
// also insists that cublasSetStream_v2 named one, since rcnn4j runs everything on its own stream.
int check_stream(const char* fn, cublasHandle_t h) {
    if (!h->stream_set) {
        return fail(EXECUTION_FAILED, format("%s: no stream was set on the handle (the stand-in requires "
                                             "cublasSetStream_v2: rcnn4j orders all work on its own stream)", fn));
    }
    if (current_context() == nullptr) {
        return fail(EXECUTION_FAILED, format("%s: no CUDA context is current on this thread", fn));
    }
    if (!stream_is_valid(h->stream)) {
        return fail(EXECUTION_FAILED, format("%s: the handle's stream %p is not a live stream (destroyed?)", fn,
                                             static_cast<void*>(h->stream)));
    }
    return SUCCESS;
}

bool valid_op(int op) { return op == OP_N || op == OP_T || op == OP_C; }

struct GemmTypes {
    bool doubles;
    bool tf32;
};

// The type combinations of cublasGemmEx's table that rcnn4j's stand-in computes (FP32 and FP64 real); others
// are NOT_SUPPORTED ("the combination of the parameters Atype, Btype and Ctype and the algorithm type, algo, is
// not supported").
int gemm_types(const char* fn, cublasHandle_t h, int at, int bt, int ct, int compute, int algo, GemmTypes* out) {
    bool f32 = at == CUDA_R_32F && bt == CUDA_R_32F && ct == CUDA_R_32F;
    bool f64 = at == CUDA_R_64F && bt == CUDA_R_64F && ct == CUDA_R_64F;
    bool algo_ok = (algo >= -1 && algo <= 23) || (algo >= 99 && algo <= 115);
    if (!algo_ok) return fail(INVALID_VALUE, format("%s: unknown cublasGemmAlgo_t %d", fn, algo));
    if (f32 && (compute == COMPUTE_32F || compute == COMPUTE_32F_PEDANTIC || compute == COMPUTE_32F_FAST_TF32)) {
        // TF32: asked for by the compute type, or by the handle's math mode for plain COMPUTE_32F
        bool tf32 = compute == COMPUTE_32F_FAST_TF32 ||
                    (compute == COMPUTE_32F && (h->math_mode & ~DISALLOW_REDUCED_PRECISION_REDUCTION) ==
                                                   TF32_TENSOR_OP_MATH);
        *out = {false, tf32 && !tf32_overridden_off()};
        return SUCCESS;
    }
    if (f64 && (compute == COMPUTE_64F || compute == COMPUTE_64F_PEDANTIC)) {
        *out = {true, false};
        return SUCCESS;
    }
    return fail(NOT_SUPPORTED, format("%s: types A=%d B=%d C=%d with compute type %d are not supported (the "
                                      "stand-in computes CUDA_R_32F with COMPUTE_32F/_PEDANTIC/_FAST_TF32 and "
                                      "CUDA_R_64F with COMPUTE_64F/_PEDANTIC)", fn, at, bt, ct, compute));
}

// Scalars as the pointer mode says: host pointers (the default) must not point into device memory, device ones
// must.
int check_scalar(const char* fn, cublasHandle_t h, const char* name, const void* p, size_t bytes) {
    if (p == nullptr) return fail(INVALID_VALUE, format("%s: %s is null", fn, name));
    std::string why;
    if (h->pointer_mode == POINTER_HOST && is_device_pointer(p)) {
        return fail(INVALID_VALUE, format("%s: %s (%p) points into device memory, but the handle's pointer mode "
                                          "is CUBLAS_POINTER_MODE_HOST (a host pointer, read before the call "
                                          "returns)", fn, name, p));
    }
    if (h->pointer_mode == POINTER_DEVICE && !in_device_memory(p, bytes, &why)) {
        return fail(INVALID_VALUE, format("%s: %s: pointer mode DEVICE, but %s", fn, name, why.c_str()));
    }
    return SUCCESS;
}

// One matrix operand of rows x cols (as stored) with leading dimension ld: aligned to its element and inside one
// device allocation (the last column holds only `rows` elements).
int check_matrix(const char* fn, const char* name, const void* p, long long rows, long long cols, long long ld,
                 size_t elem, long long stride, int batch) {
    if (rows == 0 || cols == 0 || batch == 0) return SUCCESS;
    if (p == nullptr) return fail(INVALID_VALUE, format("%s: %s is null", fn, name));
    if (reinterpret_cast<uintptr_t>(p) % elem != 0) {
        return fail(NOT_SUPPORTED, format("%s: %s (%p) is not aligned to its %zu-byte elements", fn, name, p,
                                          elem));
    }
    long long last = (batch - 1) * stride + (cols - 1) * ld + rows;  // elements spanned, first to last
    std::string why;
    if (stride < 0 || !in_device_memory(p, size_t(last) * elem, &why)) {
        return fail(EXECUTION_FAILED, format("%s: %s spans %lld elements (%lld x %lld, ld %lld%s): %s (a GPU "
                                             "would fault: illegal address)", fn, name, last, rows, cols, ld,
                                             batch > 1 ? ", batched" : "",
                                             stride < 0 ? "negative batch stride" : why.c_str()));
    }
    return SUCCESS;
}

template <typename T> T load_operand(const T* m, long long i, long long j, long long ld, bool trans, bool tf32) {
    T v = trans ? m[j + i * ld] : m[i + j * ld];
    if constexpr (sizeof(T) == 4) {
        if (tf32) v = standin::tf32(v);
    }
    return v;
}

// C = alpha op(A) op(B) + beta C, accumulating in double; beta == 0 does not read C.
template <typename T>
void gemm(int opA, int opB, int m, int n, int k, T alpha, const T* A, int lda, const T* B, int ldb, T beta, T* C,
          int ldc, bool tf32) {
    bool ta = opA != OP_N, tb = opB != OP_N;
    if (ta && !tb) {
        // op(A) = A^T (Linear's weight): row i of op(A) and column j of B are both contiguous, so each element is
        // one dot product; the sum runs over p in the same order as below (same result, far fewer cache misses)
        for (int j = 0; j < n; ++j) {
            const T* b = &B[size_t(j) * ldb];
            for (int i = 0; i < m; ++i) {
                const T* a = &A[size_t(i) * lda];
                double sum = 0.0;
                for (int p = 0; p < k; ++p) {
                    T av = a[p], bv = b[p];
                    if constexpr (sizeof(T) == 4) {
                        if (tf32) {
                            av = standin::tf32(av);
                            bv = standin::tf32(bv);
                        }
                    }
                    sum += double(av) * double(bv);
                }
                T* c = &C[i + size_t(j) * ldc];
                double v = double(alpha) * sum;
                *c = beta == T(0) ? T(v) : T(v + double(beta) * double(*c));
            }
        }
        return;
    }
    std::vector<double> column(static_cast<size_t>(m));
    for (int j = 0; j < n; ++j) {
        std::fill(column.begin(), column.end(), 0.0);
        for (int p = 0; p < k; ++p) {
            double b = double(load_operand(B, p, j, ldb, tb, tf32));
            for (int i = 0; i < m; ++i) column[size_t(i)] += double(load_operand(A, i, p, lda, ta, tf32)) * b;
        }
        for (int i = 0; i < m; ++i) {
            T* c = &C[i + size_t(j) * ldc];
            double v = double(alpha) * column[size_t(i)];
            *c = beta == T(0) ? T(v) : T(v + double(beta) * double(*c));
        }
    }
}

int gemm_call(const char* fn, cublasHandle_t h, int opA, int opB, int m, int n, int k, const void* alpha,
              const void* A, int at, int lda, long long strideA, const void* B, int bt, int ldb, long long strideB,
              const void* beta, void* C, int ct, int ldc, long long strideC, int batch, int compute, int algo) {
    if (int r = check_handle(fn, h)) return r;
    if (int r = check_stream(fn, h)) return r;
    if (!valid_op(opA) || !valid_op(opB)) {
        return fail(INVALID_VALUE, format("%s: transa/transb must be CUBLAS_OP_N, _T or _C, got %d, %d", fn, opA,
                                          opB));
    }
    if (m < 0 || n < 0 || k < 0 || batch < 0) {
        return fail(INVALID_VALUE, format("%s: m, n, k%s must be >= 0, got %d, %d, %d%s", fn,
                                          batch != 1 ? ", batchCount" : "", m, n, k,
                                          batch != 1 ? format(", %d", batch).c_str() : ""));
    }
    // "lda < max(1, m) if transa == CUBLAS_OP_N and lda < max(1, k) otherwise", likewise ldb; ldc < max(1, m)
    int need_lda = std::max(1, opA == OP_N ? m : k);
    int need_ldb = std::max(1, opB == OP_N ? k : n);
    if (lda < need_lda || ldb < need_ldb || ldc < std::max(1, m)) {
        return fail(INVALID_VALUE, format("%s: leading dimensions lda=%d ldb=%d ldc=%d are below the minimum "
                                          "%d, %d, %d for m=%d n=%d k=%d", fn, lda, ldb, ldc, need_lda, need_ldb,
                                          std::max(1, m), m, n, k));
    }
    GemmTypes types{false, false};
    if (int r = gemm_types(fn, h, at, bt, ct, compute, algo, &types)) return r;
    size_t elem = types.doubles ? 8 : 4;
    if (int r = check_scalar(fn, h, "alpha", alpha, elem)) return r;
    if (int r = check_scalar(fn, h, "beta", beta, elem)) return r;
    if (m == 0 || n == 0 || batch == 0) return SUCCESS;  // "m or n = 0 is a no-op"
    long long a_rows = opA == OP_N ? m : k, a_cols = opA == OP_N ? k : m;
    long long b_rows = opB == OP_N ? k : n, b_cols = opB == OP_N ? n : k;
    if (k > 0) {
        if (int r = check_matrix(fn, "A", A, a_rows, a_cols, lda, elem, strideA, batch)) return r;
        if (int r = check_matrix(fn, "B", B, b_rows, b_cols, ldb, elem, strideB, batch)) return r;
    }
    if (int r = check_matrix(fn, "C", C, m, n, ldc, elem, strideC, batch)) return r;
    // The emulator runs all work synchronously, so everything queued on the stream before this call is done.
    for (int b = 0; b < batch; ++b) {
        if (types.doubles) {
            const double* a = static_cast<const double*>(A) + b * strideA;
            const double* bm = static_cast<const double*>(B) + b * strideB;
            double* c = static_cast<double*>(C) + b * strideC;
            gemm<double>(opA, opB, m, n, k, *static_cast<const double*>(alpha), a, lda, bm, ldb,
                         *static_cast<const double*>(beta), c, ldc, false);
        } else {
            const float* a = static_cast<const float*>(A) + b * strideA;
            const float* bm = static_cast<const float*>(B) + b * strideB;
            float* c = static_cast<float*>(C) + b * strideC;
            gemm<float>(opA, opB, m, n, k, *static_cast<const float*>(alpha), a, lda, bm, ldb,
                        *static_cast<const float*>(beta), c, ldc, types.tf32);
        }
    }
    last_error().clear();
    return SUCCESS;
}

}  // namespace

// Marks this library as rcnn4j's stand-in: the binding refuses it on a real GPU and says so in `rcnn4j devices`.
STANDIN_API const char* rcnn4j_emu_standin(void) { return "rcnn4j cuda-emu stand-in cuBLAS"; }

// The detail of this thread's last failure ("" after a success).
STANDIN_API const char* rcnn4j_emu_cublas_last_error(void) { return last_error().c_str(); }

STANDIN_API int cublasCreate_v2(cublasHandle_t* out) {
    if (out == nullptr) return fail(INVALID_VALUE, "cublasCreate_v2: handle pointer is null");
    CUcontext ctx = current_context();
    if (ctx == nullptr) {
        return fail(NOT_INITIALIZED, "cublasCreate_v2: no CUDA context is current on this thread (the handle "
                                     "belongs to the context current at creation)");
    }
    auto* h = new cublasContext;
    h->ctx = ctx;
    g_handles.add(h);
    *out = h;
    last_error().clear();
    return SUCCESS;
}

STANDIN_API int cublasDestroy_v2(cublasHandle_t h) {
    if (int r = check_handle("cublasDestroy_v2", h)) return r;
    g_handles.remove(h);
    delete h;
    return SUCCESS;
}

STANDIN_API int cublasGetVersion_v2(cublasHandle_t h, int* version) {
    if (int r = check_handle("cublasGetVersion_v2", h)) return r;
    if (version == nullptr) return fail(INVALID_VALUE, "cublasGetVersion_v2: version is null");
    *version = kVersion;
    return SUCCESS;
}

// "cublasSetStream() unconditionally resets the cuBLAS library workspace back to the default workspace pool".
STANDIN_API int cublasSetStream_v2(cublasHandle_t h, CUstream stream) {
    if (int r = check_handle("cublasSetStream_v2", h)) return r;
    h->stream = stream;
    h->stream_set = true;
    h->workspace = nullptr;
    h->workspace_bytes = 0;
    return SUCCESS;
}

STANDIN_API int cublasGetStream_v2(cublasHandle_t h, CUstream* stream) {
    if (int r = check_handle("cublasGetStream_v2", h)) return r;
    if (stream == nullptr) return fail(INVALID_VALUE, "cublasGetStream_v2: stream is null");
    *stream = h->stream;
    return SUCCESS;
}

STANDIN_API int cublasSetMathMode(cublasHandle_t h, int mode) {
    if (int r = check_handle("cublasSetMathMode", h)) return r;
    int base = mode & ~DISALLOW_REDUCED_PRECISION_REDUCTION;
    if (base < DEFAULT_MATH || base > TF32_TENSOR_OP_MATH) {
        return fail(INVALID_VALUE, format("cublasSetMathMode: unknown cublasMath_t %d", mode));
    }
    h->math_mode = mode;
    return SUCCESS;
}

STANDIN_API int cublasGetMathMode(cublasHandle_t h, int* mode) {
    if (int r = check_handle("cublasGetMathMode", h)) return r;
    if (mode == nullptr) return fail(INVALID_VALUE, "cublasGetMathMode: mode is null");
    *mode = h->math_mode;
    return SUCCESS;
}

STANDIN_API int cublasSetPointerMode_v2(cublasHandle_t h, int mode) {
    if (int r = check_handle("cublasSetPointerMode_v2", h)) return r;
    if (mode != POINTER_HOST && mode != POINTER_DEVICE) {
        return fail(INVALID_VALUE, format("cublasSetPointerMode_v2: unknown cublasPointerMode_t %d", mode));
    }
    h->pointer_mode = mode;
    return SUCCESS;
}

// "the workspace pointer has to be aligned to at least 256 bytes, otherwise CUBLAS_STATUS_INVALID_VALUE"; the
// size must be a multiple of 256 bytes too (cublasSetWorkspace).
STANDIN_API int cublasSetWorkspace_v2(cublasHandle_t h, void* workspace, size_t bytes) {
    if (int r = check_handle("cublasSetWorkspace_v2", h)) return r;
    if (reinterpret_cast<uintptr_t>(workspace) % 256 != 0 || bytes % 256 != 0) {
        return fail(INVALID_VALUE, format("cublasSetWorkspace_v2: workspace %p of %zu bytes: pointer and size "
                                          "must be multiples of 256 bytes", workspace, bytes));
    }
    std::string why;
    if (bytes > 0 && !in_device_memory(workspace, bytes, &why)) {
        return fail(INVALID_VALUE, format("cublasSetWorkspace_v2: %s", why.c_str()));
    }
    h->workspace = workspace;
    h->workspace_bytes = bytes;
    return SUCCESS;
}

STANDIN_API const char* cublasGetStatusString(int status) {
    switch (status) {
        case SUCCESS: return "CUBLAS_STATUS_SUCCESS";
        case NOT_INITIALIZED: return "CUBLAS_STATUS_NOT_INITIALIZED";
        case ALLOC_FAILED: return "CUBLAS_STATUS_ALLOC_FAILED";
        case INVALID_VALUE: return "CUBLAS_STATUS_INVALID_VALUE";
        case ARCH_MISMATCH: return "CUBLAS_STATUS_ARCH_MISMATCH";
        case MAPPING_ERROR: return "CUBLAS_STATUS_MAPPING_ERROR";
        case EXECUTION_FAILED: return "CUBLAS_STATUS_EXECUTION_FAILED";
        case INTERNAL_ERROR: return "CUBLAS_STATUS_INTERNAL_ERROR";
        case NOT_SUPPORTED: return "CUBLAS_STATUS_NOT_SUPPORTED";
        case LICENSE_ERROR: return "CUBLAS_STATUS_LICENSE_ERROR";
    }
    return "CUBLAS_STATUS_UNKNOWN";
}

STANDIN_API int cublasGemmEx(cublasHandle_t h, int opA, int opB, int m, int n, int k, const void* alpha,
                             const void* A, int at, int lda, const void* B, int bt, int ldb, const void* beta,
                             void* C, int ct, int ldc, int compute, int algo) {
    return gemm_call("cublasGemmEx", h, opA, opB, m, n, k, alpha, A, at, lda, 0, B, bt, ldb, 0, beta, C, ct, ldc, 0,
                     1, compute, algo);
}

STANDIN_API int cublasGemmStridedBatchedEx(cublasHandle_t h, int opA, int opB, int m, int n, int k,
                                           const void* alpha, const void* A, int at, int lda, long long strideA,
                                           const void* B, int bt, int ldb, long long strideB, const void* beta,
                                           void* C, int ct, int ldc, long long strideC, int batch, int compute,
                                           int algo) {
    return gemm_call("cublasGemmStridedBatchedEx", h, opA, opB, m, n, k, alpha, A, at, lda, strideA, B, bt, ldb,
                     strideB, beta, C, ct, ldc, strideC, batch, compute, algo);
}
