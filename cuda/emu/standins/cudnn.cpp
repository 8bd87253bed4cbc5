// The emulator's stand-in libcudnn.so.9: the cuDNN 9 entry points rcnn4j calls (handle, tensor/filter/
// convolution/activation descriptors, the legacy convolution API: algorithm heuristics, workspace sizes, forward,
// backward data, backward filter, bias + activation, add tensor), computed on the CPU over the emulator's device
// memory. The checks follow NVIDIA's cuDNN 9 API Reference (cudnn_graph: cudnnCreate, cudnnSetStream,
// cudnnStatus_t; cudnn_ops: cudnnSetTensor4dDescriptor, cudnnSetTensorNdDescriptor, cudnnSetFilter4dDescriptor,
// cudnnAddTensor, cudnnSetActivationDescriptor; cudnn_cnn: cudnnSetConvolution2dDescriptor,
// cudnnConvolutionForward, cudnnConvolutionBackwardData, cudnnConvolutionBackwardFilter,
// cudnnConvolutionBiasActivationForward, cudnnGet*Algorithm_v7, cudnnGet*WorkspaceSize) and the "Scaling
// Parameters" section of the developer guide. Only packed NCHW tensors are computed (NOT_SUPPORTED otherwise).
#include <algorithm>
#include <cmath>
#include <vector>

#include "standin.h"

using namespace standin;

namespace {

// cudnnStatus_t (9.x numbering; BAD_PARAM's sub-codes follow it)
enum : int {
    SUCCESS = 0,
    NOT_INITIALIZED = 1001,
    BAD_PARAM = 2000,
    BAD_PARAM_NULL_POINTER = 2002,
    BAD_PARAM_MISALIGNED_POINTER = 2003,
    BAD_PARAM_SIZE_INSUFFICIENT = 2006,
    NOT_SUPPORTED = 3000,
    INTERNAL_ERROR = 4000,
    EXECUTION_FAILED = 5000,
};

enum : int { DATA_FLOAT = 0, DATA_DOUBLE = 1 };
enum : int { FORMAT_NCHW = 0, FORMAT_NHWC = 1, FORMAT_NCHW_VECT_C = 2 };
enum : int { MODE_CONVOLUTION = 0, MODE_CROSS_CORRELATION = 1 };
enum : int { MATH_DEFAULT = 0, MATH_TENSOR_OP = 1, MATH_TENSOR_OP_ALLOW_CONVERSION = 2, MATH_FMA = 3 };
enum : int { ACT_SIGMOID = 0, ACT_RELU = 1, ACT_TANH = 2, ACT_CLIPPED_RELU = 3, ACT_ELU = 4, ACT_IDENTITY = 5,
             ACT_SWISH = 6 };
enum : int { NON_DETERMINISTIC = 0, DETERMINISTIC = 1 };
// forward algorithms: IMPLICIT_GEMM 0, IMPLICIT_PRECOMP_GEMM 1, GEMM 2, DIRECT 3, FFT 4, FFT_TILING 5, WINOGRAD 6,
// WINOGRAD_NONFUSED 7; backward data: ALGO_0 0, ALGO_1 1, FFT 2, FFT_TILING 3, WINOGRAD 4, WINOGRAD_NONFUSED 5;
// backward filter: ALGO_0 0, ALGO_1 1, FFT 2, ALGO_3 3, WINOGRAD_NONFUSED 4, FFT_TILING 5
constexpr int kForwardAlgos = 8, kDataAlgos = 6, kFilterAlgos = 7;
constexpr int FWD_IMPLICIT_GEMM = 0, FWD_IMPLICIT_PRECOMP_GEMM = 1, FWD_GEMM = 2;

// CUDNN_VERSION of the release this stand-in answers as: 9.0.0 (major * 10000 + minor * 100 + patch since 9.0).
constexpr size_t kVersion = 90000;

}  // namespace

struct cudnnContext {
    CUcontext ctx = nullptr;
    CUstream stream = nullptr;
    bool stream_set = false;
};
struct cudnnTensorStruct {
    bool set = false;
    int dtype = 0;
    int nb = 0;
    int dims[8] = {};
    int strides[8] = {};
    int format = FORMAT_NCHW;  // the layout the strides describe (Nd descriptors: NCHW when packed, else -1)
};
struct cudnnFilterStruct {
    bool set = false;
    int dtype = 0;
    int format = FORMAT_NCHW;
    int k = 0, c = 0, h = 0, w = 0;
};
struct cudnnConvolutionStruct {
    bool set = false;
    int pad_h = 0, pad_w = 0, stride_h = 1, stride_w = 1, dil_h = 1, dil_w = 1;
    int mode = MODE_CROSS_CORRELATION;
    int compute = DATA_FLOAT;
    int groups = 1;
    int math = MATH_DEFAULT;
};
struct cudnnActivationStruct {
    bool set = false;
    int mode = ACT_RELU;
    int nan_opt = 0;
    double coef = 0;
};
typedef cudnnContext* cudnnHandle_t;
typedef cudnnTensorStruct* cudnnTensorDescriptor_t;
typedef cudnnFilterStruct* cudnnFilterDescriptor_t;
typedef cudnnConvolutionStruct* cudnnConvolutionDescriptor_t;
typedef cudnnActivationStruct* cudnnActivationDescriptor_t;

struct cudnnConvolutionFwdAlgoPerf_t {  // the 48-byte layout shared by the three perf structs
    int algo;
    int status;
    float time;
    size_t memory;
    int determinism;
    int mathType;
    int reserved[3];
};

namespace {

Registry<cudnnContext> g_handles;
Registry<cudnnTensorStruct> g_tensors;
Registry<cudnnFilterStruct> g_filters;
Registry<cudnnConvolutionStruct> g_convs;
Registry<cudnnActivationStruct> g_acts;

size_t elem_bytes(int dtype) { return dtype == DATA_DOUBLE ? 8 : 4; }

int check_handle(const char* fn, cudnnHandle_t h) {
    if (h == nullptr) return fail(BAD_PARAM_NULL_POINTER, format("%s: handle is null", fn));
    if (!g_handles.contains(h)) {
        return fail(BAD_PARAM, format("%s: %p is not a live cuDNN handle (destroyed, or never made by cudnnCreate)",
                                      fn, static_cast<void*>(h)));
    }
    return SUCCESS;
}

// As the cuBLAS stand-in: the stream must be live, and (rcnn4j's rule) set explicitly.
int check_stream(const char* fn, cudnnHandle_t h) {
    if (!h->stream_set) {
        return fail(EXECUTION_FAILED, format("%s: no stream was set on the handle (the stand-in requires "
                                             "cudnnSetStream: rcnn4j orders all work on its own stream)", fn));
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

template <typename T> int check_desc(const char* fn, const char* name, Registry<T>& reg, const T* d) {
    if (d == nullptr) return fail(BAD_PARAM_NULL_POINTER, format("%s: %s is null", fn, name));
    if (!reg.contains(d)) return fail(BAD_PARAM, format("%s: %s is not a live descriptor (destroyed?)", fn, name));
    if (!d->set) return fail(BAD_PARAM, format("%s: %s was created but never set", fn, name));
    return SUCCESS;
}

// A packed NCHW 4-D tensor: the only layout the stand-in computes.
int check_nchw(const char* fn, const char* name, const cudnnTensorStruct* t) {
    if (t->nb != 4) {
        return fail(NOT_SUPPORTED, format("%s: %s has %d dimensions; the stand-in computes 4-D (2-D "
                                          "convolution) only", fn, name, t->nb));
    }
    if (t->format != FORMAT_NCHW) {
        return fail(NOT_SUPPORTED, format("%s: %s is not a packed NCHW tensor (strides %d,%d,%d,%d); the "
                                          "stand-in computes packed NCHW only", fn, name, t->strides[0],
                                          t->strides[1], t->strides[2], t->strides[3]));
    }
    return SUCCESS;
}

// A device operand: non-null, aligned to its element, and all of it inside one device allocation.
int check_data(const char* fn, const char* name, const void* p, size_t bytes, size_t elem) {
    if (p == nullptr) return fail(BAD_PARAM_NULL_POINTER, format("%s: %s is null", fn, name));
    if (reinterpret_cast<uintptr_t>(p) % elem != 0) {
        return fail(BAD_PARAM_MISALIGNED_POINTER, format("%s: %s (%p) is not aligned to its %zu-byte elements", fn,
                                                         name, p, elem));
    }
    std::string why;
    if (!in_device_memory(p, bytes, &why)) {
        return fail(EXECUTION_FAILED, format("%s: %s: %s (a GPU would fault: illegal address)", fn, name,
                                             why.c_str()));
    }
    return SUCCESS;
}

// alpha and beta: host pointers, always ("Scaling Parameters").
int check_scalar(const char* fn, const char* name, const void* p) {
    if (p == nullptr) return fail(BAD_PARAM_NULL_POINTER, format("%s: %s is null", fn, name));
    if (is_device_pointer(p)) {
        return fail(BAD_PARAM, format("%s: %s (%p) points into device memory; cuDNN's scaling parameters are host "
                                      "pointers (a real cuDNN would read host memory there)", fn, name, p));
    }
    return SUCCESS;
}

double read_scalar(const void* p, int dtype) {
    return dtype == DATA_DOUBLE ? *static_cast<const double*>(p) : double(*static_cast<const float*>(p));
}

size_t numel(const cudnnTensorStruct* t) {
    size_t n = 1;
    for (int i = 0; i < t->nb; ++i) n *= size_t(t->dims[i]);
    return n;
}

// One convolution problem, checked: x [n,c,h,w], w [k, c/groups, r, s], y [n,k,p,q].
struct Problem {
    int n, c, h, w, k, r, s, p, q, groups;
    int dtype;
    const cudnnConvolutionStruct* conv;
    bool tf32;
    bool flip;  // CUDNN_CONVOLUTION: the filter is applied flipped
};

int output_size(int in, int pad, int f, int dil, int stride) { return 1 + (in + 2 * pad - ((f - 1) * dil + 1)) / stride; }

// The documented BAD_PARAM conditions of cudnnConvolutionForward/BackwardData/BackwardFilter (and of
// cudnnGetConvolution2dForwardOutputDim), over x, w, conv and, unless null, y.
int check_problem(const char* fn, const cudnnTensorStruct* x, const cudnnFilterStruct* w,
                  const cudnnConvolutionStruct* conv, const cudnnTensorStruct* y, const char* xname,
                  const char* yname, Problem* out) {
    if (int r = check_desc(fn, xname, g_tensors, x)) return r;
    if (int r = check_desc(fn, "filter descriptor", g_filters, w)) return r;
    if (int r = check_desc(fn, "convolution descriptor", g_convs, conv)) return r;
    if (*yname != 0) {  // every call but cudnnGetConvolution2dForwardOutputDim has an output descriptor
        if (int r = check_desc(fn, yname, g_tensors, y)) return r;
    }
    if (x->nb < 3) return fail(BAD_PARAM, format("%s: %s has fewer than 3 dimensions", fn, xname));
    if (x->nb != 4) {
        return fail(BAD_PARAM, format("%s: %s has %d dimensions; a 2-D convolution descriptor needs 4", fn, xname,
                                      x->nb));
    }
    if (y != nullptr && y->nb != x->nb) {
        return fail(BAD_PARAM, format("%s: %s and %s have different numbers of dimensions (%d, %d)", fn, xname,
                                      yname, x->nb, y->nb));
    }
    if (w->dtype != x->dtype || (y != nullptr && y->dtype != x->dtype)) {
        return fail(BAD_PARAM, format("%s: the tensors' and the filter's data types differ", fn));
    }
    if (conv->compute != x->dtype) {
        return fail(NOT_SUPPORTED, format("%s: compute type %d with data type %d is not supported", fn,
                                          conv->compute, x->dtype));
    }
    int g = conv->groups;
    if (x->dims[1] != w->c * g) {
        return fail(BAD_PARAM, format("%s: %s has %d channels, the filter %d per group x %d groups", fn, xname,
                                      x->dims[1], w->c, g));
    }
    if (w->k % g != 0) {
        return fail(BAD_PARAM, format("%s: the filter's %d output channels are not a multiple of the group count "
                                      "%d", fn, w->k, g));
    }
    int eff_h = (w->h - 1) * conv->dil_h + 1, eff_w = (w->w - 1) * conv->dil_w + 1;
    if (eff_h > x->dims[2] + 2 * conv->pad_h || eff_w > x->dims[3] + 2 * conv->pad_w) {
        return fail(BAD_PARAM, format("%s: the dilated filter (%dx%d) is larger than the padded input (%dx%d)", fn,
                                      eff_h, eff_w, x->dims[2] + 2 * conv->pad_h, x->dims[3] + 2 * conv->pad_w));
    }
    int p = output_size(x->dims[2], conv->pad_h, w->h, conv->dil_h, conv->stride_h);
    int q = output_size(x->dims[3], conv->pad_w, w->w, conv->dil_w, conv->stride_w);
    if (y != nullptr && (y->dims[0] != x->dims[0] || y->dims[1] != w->k || y->dims[2] != p || y->dims[3] != q)) {
        return fail(BAD_PARAM, format("%s: %s is [%d,%d,%d,%d], but the convolution's output is [%d,%d,%d,%d]", fn,
                                      yname, y->dims[0], y->dims[1], y->dims[2], y->dims[3], x->dims[0], w->k, p,
                                      q));
    }
    if (w->format != FORMAT_NCHW) {
        return fail(NOT_SUPPORTED, format("%s: the filter is not NCHW (KCRS); the stand-in computes NCHW only", fn));
    }
    if (int r = check_nchw(fn, xname, x)) return r;
    if (y != nullptr) {
        if (int r = check_nchw(fn, yname, y)) return r;
    }
    // TF32: FP32 convolutions may use tensor cores unless the math type is FMA (cudnnMathType_t)
    bool tf32 = x->dtype == DATA_FLOAT && conv->math != MATH_FMA && !tf32_overridden_off();
    *out = {x->dims[0], x->dims[1], x->dims[2], x->dims[3], w->k, w->h, w->w, p, q, g, x->dtype, conv, tf32,
            conv->mode == MODE_CONVOLUTION};
    return SUCCESS;
}

// ---- algorithms: what the stand-in offers, with the determinism and workspace the real ones have ----------

struct AlgoInfo {
    bool supported;
    bool deterministic;
};

AlgoInfo algo_info(int kind, int algo) {
    switch (kind) {
        case 0:  // forward: the GEMM family; every forward algorithm is deterministic
            return {algo == FWD_IMPLICIT_GEMM || algo == FWD_IMPLICIT_PRECOMP_GEMM || algo == FWD_GEMM, true};
        case 1:  // backward data: ALGO_0 accumulates with atomics (non-deterministic), ALGO_1 does not
            return {algo == 0 || algo == 1, algo == 1};
        default:  // backward filter: ALGO_0 and ALGO_3 are non-deterministic, ALGO_1 deterministic
            return {algo == 0 || algo == 1 || algo == 3, algo == 1};
    }
}

int algo_count(int kind) { return kind == 0 ? kForwardAlgos : kind == 1 ? kDataAlgos : kFilterAlgos; }

// Workspace bytes the stand-in asks for, shaped like the real algorithms' needs: an index table for the
// precomputed implicit GEMM, an im2col buffer for GEMM, a per-group partial filter gradient for filter ALGO_1.
size_t workspace_bytes(int kind, int algo, const Problem& pr) {
    size_t e = elem_bytes(pr.dtype);
    size_t cg = size_t(pr.c / pr.groups), kg = size_t(pr.k / pr.groups);
    if (kind == 0 && algo == FWD_IMPLICIT_PRECOMP_GEMM) return size_t(pr.r) * pr.s * sizeof(int) * 2 + 256;
    if (kind == 0 && algo == FWD_GEMM) return cg * pr.r * pr.s * size_t(pr.p) * pr.q * e;
    if (kind == 2 && algo == 1) return kg * cg * pr.r * pr.s * e;
    return 0;
}

// Heuristic order: the fastest-looking first, as cudnnGet*_v7 sorts its list.
const int kForwardOrder[] = {1, 0, 2, 3, 4, 5, 6, 7};
const int kDataOrder[] = {1, 0, 2, 3, 4, 5};
const int kFilterOrder[] = {1, 0, 3, 2, 4, 5, 6};

int get_algorithms(const char* fn, int kind, cudnnHandle_t h, const Problem& pr, int requested, int* returned,
                   cudnnConvolutionFwdAlgoPerf_t* perf) {
    if (returned == nullptr || perf == nullptr) {
        return fail(BAD_PARAM_NULL_POINTER, format("%s: returnedAlgoCount or perfResults is null", fn));
    }
    if (requested < 1) return fail(BAD_PARAM, format("%s: requestedAlgoCount must be >= 1, got %d", fn, requested));
    const int* order = kind == 0 ? kForwardOrder : kind == 1 ? kDataOrder : kFilterOrder;
    int n = std::min(requested, algo_count(kind));
    for (int i = 0; i < n; ++i) {
        int a = order[i];
        AlgoInfo info = algo_info(kind, a);
        cudnnConvolutionFwdAlgoPerf_t& r = perf[i];
        std::memset(&r, 0, sizeof r);
        r.algo = a;
        r.status = info.supported ? SUCCESS : NOT_SUPPORTED;
        r.time = info.supported ? float(i + 1) : -1.0f;
        r.memory = info.supported ? workspace_bytes(kind, a, pr) : 0;
        r.determinism = info.deterministic ? DETERMINISTIC : NON_DETERMINISTIC;
        r.mathType = pr.conv->math;
    }
    *returned = n;
    last_error().clear();
    return SUCCESS;
}

int check_algo(const char* fn, int kind, int algo) {
    if (algo < 0 || algo >= algo_count(kind)) {
        return fail(BAD_PARAM, format("%s: unknown algorithm %d", fn, algo));
    }
    if (!algo_info(kind, algo).supported) {
        return fail(NOT_SUPPORTED, format("%s: algorithm %d is not supported by the stand-in (it offers those "
                                          "cudnnGet*Algorithm_v7 lists with status SUCCESS)", fn, algo));
    }
    return SUCCESS;
}

// The workspace: at least what *WorkspaceSize reports for the algorithm, in device memory. The stand-in scribbles
// over it (0xFF: NaN) as a real algorithm uses it, so a workspace that aliases an operand shows.
int check_workspace(const char* fn, int kind, int algo, const Problem& pr, void* ws, size_t bytes) {
    size_t need = workspace_bytes(kind, algo, pr);
    if (bytes < need) {
        return fail(BAD_PARAM_SIZE_INSUFFICIENT, format("%s: algorithm %d needs %zu workspace bytes, got %zu "
                                                        "(ask cudnnGet*WorkspaceSize)", fn, algo, need, bytes));
    }
    if (need == 0) return SUCCESS;
    if (ws == nullptr) return fail(BAD_PARAM_NULL_POINTER, format("%s: workspace is null but %zu bytes are needed",
                                                                  fn, need));
    std::string why;
    if (!in_device_memory(ws, need, &why)) {
        return fail(EXECUTION_FAILED, format("%s: workspace: %s", fn, why.c_str()));
    }
    std::memset(ws, 0xFF, need);
    return SUCCESS;
}

// ---- the arithmetic (double accumulation; TF32 rounds FP32 operands as tensor cores read them) -------------

template <typename T> double operand(const T* p, size_t i, bool tf32) {
    if constexpr (sizeof(T) == 4) {
        if (tf32) return double(standin::tf32(p[i]));
    }
    return double(p[i]);
}

template <typename T> void store(T* y, size_t i, double acc, double alpha, double beta) {
    double v = alpha * acc;
    y[i] = beta == 0 ? T(v) : T(v + beta * double(y[i]));  // beta == 0: the output is not read
}

// Filter tap (i, j) as applied: flipped for CUDNN_CONVOLUTION.
inline size_t tap(const Problem& pr, int i, int j) {
    return pr.flip ? size_t(pr.r - 1 - i) * pr.s + size_t(pr.s - 1 - j) : size_t(i) * pr.s + size_t(j);
}

// Forward as im2col and a GEMM per (image, group): row (ci, i, j) of the column matrix holds input channel ci at
// filter tap (i, j) for every output position (0 where the tap falls in the padding), so each output is the sum
// over (ci, i, j) in that order of w * x, accumulated in double; the loops run over contiguous memory, which keeps
// a ResNet-50 on a small image within seconds.
template <typename T> void conv_forward(const Problem& pr, const T* x, const T* w, std::vector<double>& acc) {
    const auto* c = pr.conv;
    int cg = pr.c / pr.groups, kg = pr.k / pr.groups;
    size_t positions = size_t(pr.p) * pr.q, taps = size_t(pr.r) * pr.s, rows = size_t(cg) * taps;
    acc.assign(size_t(pr.n) * pr.k * positions, 0.0);
    std::vector<double> col(rows * positions);
    for (int n = 0; n < pr.n; ++n)
        for (int g = 0; g < pr.groups; ++g) {
            for (int ci = 0; ci < cg; ++ci)
                for (int i = 0; i < pr.r; ++i)
                    for (int j = 0; j < pr.s; ++j) {
                        double* row = &col[((size_t(ci) * pr.r + i) * pr.s + j) * positions];
                        const T* plane = &x[(size_t(n) * pr.c + size_t(g) * cg + ci) * pr.h * pr.w];
                        for (int oh = 0; oh < pr.p; ++oh) {
                            int ih = oh * c->stride_h - c->pad_h + i * c->dil_h;
                            for (int ow = 0; ow < pr.q; ++ow) {
                                int iw = ow * c->stride_w - c->pad_w + j * c->dil_w;
                                bool inside = ih >= 0 && ih < pr.h && iw >= 0 && iw < pr.w;
                                row[size_t(oh) * pr.q + ow] = inside ? operand(plane, size_t(ih) * pr.w + iw, pr.tf32)
                                                                     : 0.0;
                            }
                        }
                    }
            for (int kk = 0; kk < kg; ++kk) {
                int k = g * kg + kk;
                double* out = &acc[(size_t(n) * pr.k + k) * positions];
                for (int ci = 0; ci < cg; ++ci)
                    for (int i = 0; i < pr.r; ++i)
                        for (int j = 0; j < pr.s; ++j) {
                            double wv = operand(w, (size_t(k) * cg + ci) * taps + tap(pr, i, j), pr.tf32);
                            const double* row = &col[((size_t(ci) * pr.r + i) * pr.s + j) * positions];
                            for (size_t q = 0; q < positions; ++q) out[q] += wv * row[q];
                        }
            }
        }
}

template <typename T> void conv_backward_data(const Problem& pr, const T* w, const T* dy, std::vector<double>& acc) {
    const auto* c = pr.conv;
    int cg = pr.c / pr.groups, kg = pr.k / pr.groups;
    acc.assign(size_t(pr.n) * pr.c * pr.h * pr.w, 0.0);
    for (int n = 0; n < pr.n; ++n)
        for (int k = 0; k < pr.k; ++k) {
            int g = k / kg;
            for (int oh = 0; oh < pr.p; ++oh)
                for (int ow = 0; ow < pr.q; ++ow) {
                    double d = operand(dy, ((size_t(n) * pr.k + k) * pr.p + oh) * pr.q + ow, pr.tf32);
                    for (int ci = 0; ci < cg; ++ci)
                        for (int i = 0; i < pr.r; ++i) {
                            int ih = oh * c->stride_h - c->pad_h + i * c->dil_h;
                            if (ih < 0 || ih >= pr.h) continue;
                            for (int j = 0; j < pr.s; ++j) {
                                int iw = ow * c->stride_w - c->pad_w + j * c->dil_w;
                                if (iw < 0 || iw >= pr.w) continue;
                                size_t wi = (size_t(k) * cg + ci) * pr.r * pr.s + tap(pr, i, j);
                                acc[((size_t(n) * pr.c + size_t(g) * cg + ci) * pr.h + ih) * pr.w + iw] +=
                                    d * operand(w, wi, pr.tf32);
                            }
                        }
                }
        }
}

template <typename T> void conv_backward_filter(const Problem& pr, const T* x, const T* dy, std::vector<double>& acc) {
    const auto* c = pr.conv;
    int cg = pr.c / pr.groups, kg = pr.k / pr.groups;
    acc.assign(size_t(pr.k) * cg * pr.r * pr.s, 0.0);
    for (int n = 0; n < pr.n; ++n)
        for (int k = 0; k < pr.k; ++k) {
            int g = k / kg;
            for (int oh = 0; oh < pr.p; ++oh)
                for (int ow = 0; ow < pr.q; ++ow) {
                    double d = operand(dy, ((size_t(n) * pr.k + k) * pr.p + oh) * pr.q + ow, pr.tf32);
                    for (int ci = 0; ci < cg; ++ci)
                        for (int i = 0; i < pr.r; ++i) {
                            int ih = oh * c->stride_h - c->pad_h + i * c->dil_h;
                            if (ih < 0 || ih >= pr.h) continue;
                            for (int j = 0; j < pr.s; ++j) {
                                int iw = ow * c->stride_w - c->pad_w + j * c->dil_w;
                                if (iw < 0 || iw >= pr.w) continue;
                                size_t xi = ((size_t(n) * pr.c + size_t(g) * cg + ci) * pr.h + ih) * pr.w + iw;
                                acc[(size_t(k) * cg + ci) * pr.r * pr.s + tap(pr, i, j)] +=
                                    d * operand(x, xi, pr.tf32);
                            }
                        }
                }
        }
}

template <typename T> void write_out(void* out, const std::vector<double>& acc, double alpha, double beta) {
    T* y = static_cast<T*>(out);
    for (size_t i = 0; i < acc.size(); ++i) store(y, i, acc[i], alpha, beta);
}

// The three convolutions share their checks: kind 0 forward (x, w -> y), 1 backward data (w, dy -> dx),
// 2 backward filter (x, dy -> dw).
int run_convolution(const char* fn, int kind, cudnnHandle_t h, const void* alpha, const void* beta,
                    const cudnnTensorStruct* xd, const void* x, const cudnnFilterStruct* wd, const void* w,
                    const cudnnTensorStruct* yd, const void* y, const cudnnConvolutionStruct* conv, int algo,
                    void* ws, size_t ws_bytes, void* out) {
    if (int r = check_handle(fn, h)) return r;
    if (int r = check_stream(fn, h)) return r;
    const char* xname = kind == 1 ? "dxDesc" : "xDesc";
    const char* yname = kind == 0 ? "yDesc" : "dyDesc";
    Problem pr;
    if (int r = check_problem(fn, xd, wd, conv, yd, xname, yname, &pr)) return r;
    if (int r = check_scalar(fn, "alpha", alpha)) return r;
    if (int r = check_scalar(fn, "beta", beta)) return r;
    if (int r = check_algo(fn, kind, algo)) return r;
    size_t e = elem_bytes(pr.dtype);
    size_t xb = numel(xd) * e, yb = numel(yd) * e, wb = size_t(wd->k) * wd->c * wd->h * wd->w * e;
    if (int r = check_data(fn, kind == 1 ? "dx" : "x", kind == 1 ? out : x, xb, e)) return r;
    if (int r = check_data(fn, kind == 0 ? "y" : "dy", kind == 0 ? out : y, yb, e)) return r;
    if (int r = check_data(fn, kind == 2 ? "dw" : "w", kind == 2 ? out : w, wb, e)) return r;
    if (int r = check_workspace(fn, kind, algo, pr, ws, ws_bytes)) return r;
    double a = read_scalar(alpha, pr.dtype), b = read_scalar(beta, pr.dtype);
    std::vector<double> acc;
    // The emulator runs all work synchronously, so everything queued on the stream before this call is done.
    if (pr.dtype == DATA_DOUBLE) {
        if (kind == 0) conv_forward(pr, static_cast<const double*>(x), static_cast<const double*>(w), acc);
        if (kind == 1) conv_backward_data(pr, static_cast<const double*>(w), static_cast<const double*>(y), acc);
        if (kind == 2) conv_backward_filter(pr, static_cast<const double*>(x), static_cast<const double*>(y), acc);
        write_out<double>(out, acc, a, b);
    } else {
        if (kind == 0) conv_forward(pr, static_cast<const float*>(x), static_cast<const float*>(w), acc);
        if (kind == 1) conv_backward_data(pr, static_cast<const float*>(w), static_cast<const float*>(y), acc);
        if (kind == 2) conv_backward_filter(pr, static_cast<const float*>(x), static_cast<const float*>(y), acc);
        write_out<float>(out, acc, a, b);
    }
    last_error().clear();
    return SUCCESS;
}

// cudnnFind*AlgorithmEx: "timed" on the stand-in by a fixed cost model (so a search picks the same algorithm on
// every run and machine): multiply-adds of the problem times a per-algorithm factor, in ms per 10^9. The model
// ranks differently from the _v7 heuristics on purpose: forward GEMM (when its workspace fits), then
// IMPLICIT_PRECOMP_GEMM, then IMPLICIT_GEMM; backward data ALGO_0 (non-deterministic) before ALGO_1; backward
// filter ALGO_3, ALGO_0 (both non-deterministic), then ALGO_1; so a caller that uses the search, and one that
// filters to deterministic algorithms, can be told apart from one that takes the heuristics' first.
float modelled_ms(int kind, int algo, const Problem& pr) {
    double macs = double(pr.n) * pr.k * pr.p * pr.q * double(pr.c / pr.groups) * pr.r * pr.s;
    double factor = 1.0;
    if (kind == 0) factor = algo == FWD_GEMM ? 0.6 : algo == FWD_IMPLICIT_PRECOMP_GEMM ? 0.8 : 1.0;
    if (kind == 1) factor = algo == 0 ? 0.7 : 1.0;
    if (kind == 2) factor = algo == 3 ? 0.6 : algo == 0 ? 0.8 : 1.0;
    return float(macs * (factor + 0.001 * algo) / 1e9);  // + a tie-breaker: no two algorithms take the same time
}

// The documented checks of the three Find*AlgorithmEx calls, then one computation of the convolution into the
// output (every algorithm of the stand-in shares one arithmetic, so running each would write the same values; a
// real search overwrites the output too) and the perf list sorted by time, the failures last: algorithms the
// stand-in does not offer (NOT_SUPPORTED) and those needing more workspace than given (BAD_PARAM_SIZE_INSUFFICIENT,
// the stand-in's choice of status).
int find_algorithms(const char* fn, int kind, cudnnHandle_t h, const cudnnTensorStruct* xd, const void* x,
                    const cudnnFilterStruct* wd, const void* w, const cudnnTensorStruct* yd, const void* y,
                    const cudnnConvolutionStruct* conv, void* out, int requested, int* returned,
                    cudnnConvolutionFwdAlgoPerf_t* perf, void* ws, size_t ws_bytes) {
    if (int r = check_handle(fn, h)) return r;
    if (int r = check_stream(fn, h)) return r;
    Problem pr;
    if (int r = check_problem(fn, xd, wd, conv, yd, kind == 1 ? "dxDesc" : "xDesc", kind == 0 ? "yDesc" : "dyDesc",
                              &pr)) {
        return r;
    }
    if (returned == nullptr || perf == nullptr) {
        return fail(BAD_PARAM_NULL_POINTER, format("%s: returnedAlgoCount or perfResults is null", fn));
    }
    if (requested < 1) return fail(BAD_PARAM, format("%s: requestedAlgoCount must be >= 1, got %d", fn, requested));
    size_t e = elem_bytes(pr.dtype);
    size_t xb = numel(xd) * e, yb = numel(yd) * e, wb = size_t(wd->k) * wd->c * wd->h * wd->w * e;
    if (int r = check_data(fn, kind == 1 ? "dx" : "x", kind == 1 ? out : x, xb, e)) return r;
    if (int r = check_data(fn, kind == 0 ? "y" : "dy", kind == 0 ? out : y, yb, e)) return r;
    if (int r = check_data(fn, kind == 2 ? "dw" : "w", kind == 2 ? out : w, wb, e)) return r;
    if (ws_bytes > 0) {
        if (ws == nullptr) {
            return fail(BAD_PARAM_NULL_POINTER, format("%s: workSpace is null but workSpaceSizeInBytes is %zu", fn,
                                                       ws_bytes));
        }
        std::string why;
        if (!in_device_memory(ws, ws_bytes, &why)) {
            return fail(EXECUTION_FAILED, format("%s: workSpace: %s", fn, why.c_str()));
        }
    }
    std::vector<cudnnConvolutionFwdAlgoPerf_t> all;
    bool any = false;
    for (int a = 0; a < algo_count(kind); ++a) {
        cudnnConvolutionFwdAlgoPerf_t r;
        std::memset(&r, 0, sizeof r);
        r.algo = a;
        r.mathType = pr.conv->math;
        r.time = -1.0f;
        AlgoInfo info = algo_info(kind, a);
        r.determinism = info.deterministic ? DETERMINISTIC : NON_DETERMINISTIC;
        size_t need = info.supported ? workspace_bytes(kind, a, pr) : 0;
        if (!info.supported) {
            r.status = NOT_SUPPORTED;
        } else if (need > ws_bytes) {
            r.status = BAD_PARAM_SIZE_INSUFFICIENT;
            r.memory = need;
        } else {
            r.status = SUCCESS;
            r.memory = need;
            r.time = modelled_ms(kind, a, pr);
            any = true;
        }
        all.push_back(r);
    }
    std::stable_sort(all.begin(), all.end(), [](const auto& l, const auto& r) {
        if ((l.status == SUCCESS) != (r.status == SUCCESS)) return l.status == SUCCESS;
        return l.status == SUCCESS && l.time < r.time;
    });
    if (any) {
        if (ws_bytes > 0) std::memset(ws, 0xFF, ws_bytes);  // a search uses the workspace it is given
        std::vector<double> acc;
        if (pr.dtype == DATA_DOUBLE) {
            if (kind == 0) conv_forward(pr, static_cast<const double*>(x), static_cast<const double*>(w), acc);
            if (kind == 1) conv_backward_data(pr, static_cast<const double*>(w), static_cast<const double*>(y), acc);
            if (kind == 2) conv_backward_filter(pr, static_cast<const double*>(x), static_cast<const double*>(y), acc);
            write_out<double>(out, acc, 1.0, 0.0);
        } else {
            if (kind == 0) conv_forward(pr, static_cast<const float*>(x), static_cast<const float*>(w), acc);
            if (kind == 1) conv_backward_data(pr, static_cast<const float*>(w), static_cast<const float*>(y), acc);
            if (kind == 2) conv_backward_filter(pr, static_cast<const float*>(x), static_cast<const float*>(y), acc);
            write_out<float>(out, acc, 1.0, 0.0);
        }
    }
    int n = std::min(requested, int(all.size()));
    for (int i = 0; i < n; ++i) perf[i] = all[size_t(i)];
    *returned = n;
    last_error().clear();
    return SUCCESS;
}

template <typename T> int create(Registry<T>& reg, T** out, const char* fn) {
    if (out == nullptr) return fail(BAD_PARAM_NULL_POINTER, format("%s: output pointer is null", fn));
    auto* d = new T;
    reg.add(d);
    *out = d;
    return SUCCESS;
}

template <typename T> int destroy(Registry<T>& reg, T* d, const char* fn) {
    if (d == nullptr) return SUCCESS;  // destroying NULL is allowed
    if (!reg.remove(d)) return fail(BAD_PARAM, format("%s: not a live descriptor (destroyed twice?)", fn));
    delete d;
    return SUCCESS;
}

bool valid_dtype(int t) { return t == 0 || t == 1 || t == 2 || (t >= 3 && t <= 14); }

}  // namespace

STANDIN_API const char* rcnn4j_emu_standin(void) { return "rcnn4j cuda-emu stand-in cuDNN"; }

STANDIN_API size_t cudnnGetVersion(void) { return kVersion; }

STANDIN_API const char* cudnnGetErrorString(int status) {
    switch (status) {
        case SUCCESS: return "CUDNN_STATUS_SUCCESS";
        case NOT_INITIALIZED: return "CUDNN_STATUS_NOT_INITIALIZED";
        case BAD_PARAM: return "CUDNN_STATUS_BAD_PARAM";
        case BAD_PARAM_NULL_POINTER: return "CUDNN_STATUS_BAD_PARAM_NULL_POINTER";
        case BAD_PARAM_MISALIGNED_POINTER: return "CUDNN_STATUS_BAD_PARAM_MISALIGNED_POINTER";
        case BAD_PARAM_SIZE_INSUFFICIENT: return "CUDNN_STATUS_BAD_PARAM_SIZE_INSUFFICIENT";
        case NOT_SUPPORTED: return "CUDNN_STATUS_NOT_SUPPORTED";
        case INTERNAL_ERROR: return "CUDNN_STATUS_INTERNAL_ERROR";
        case EXECUTION_FAILED: return "CUDNN_STATUS_EXECUTION_FAILED";
    }
    return "CUDNN_UNKNOWN_STATUS_FOUND";
}

// cuDNN 9: the last error's message on this thread, cleared by reading it.
STANDIN_API void cudnnGetLastErrorString(char* message, size_t max_size) {
    if (message == nullptr || max_size == 0) return;
    std::string& e = last_error();
    size_t n = std::min(e.size(), max_size - 1);
    std::memcpy(message, e.data(), n);
    message[n] = 0;
    e.clear();
}

STANDIN_API int cudnnCreate(cudnnHandle_t* out) {
    if (out == nullptr) return fail(BAD_PARAM_NULL_POINTER, "cudnnCreate: handle pointer is null");
    CUcontext ctx = current_context();
    if (ctx == nullptr) {
        return fail(NOT_INITIALIZED, "cudnnCreate: no CUDA context is current on this thread (the handle belongs "
                                     "to the context current at creation)");
    }
    auto* h = new cudnnContext;
    h->ctx = ctx;
    g_handles.add(h);
    *out = h;
    return SUCCESS;
}

STANDIN_API int cudnnDestroy(cudnnHandle_t h) {
    if (int r = check_handle("cudnnDestroy", h)) return r;
    g_handles.remove(h);
    delete h;
    return SUCCESS;
}

STANDIN_API int cudnnSetStream(cudnnHandle_t h, CUstream stream) {
    if (int r = check_handle("cudnnSetStream", h)) return r;
    if (!stream_is_valid(stream)) return fail(BAD_PARAM, "cudnnSetStream: not a live stream");
    h->stream = stream;
    h->stream_set = true;
    return SUCCESS;
}

STANDIN_API int cudnnGetStream(cudnnHandle_t h, CUstream* stream) {
    if (int r = check_handle("cudnnGetStream", h)) return r;
    if (stream == nullptr) return fail(BAD_PARAM_NULL_POINTER, "cudnnGetStream: stream is null");
    *stream = h->stream;
    return SUCCESS;
}

STANDIN_API int cudnnCreateTensorDescriptor(cudnnTensorDescriptor_t* d) {
    return create(g_tensors, d, "cudnnCreateTensorDescriptor");
}
STANDIN_API int cudnnDestroyTensorDescriptor(cudnnTensorDescriptor_t d) {
    return destroy(g_tensors, d, "cudnnDestroyTensorDescriptor");
}
STANDIN_API int cudnnCreateFilterDescriptor(cudnnFilterDescriptor_t* d) {
    return create(g_filters, d, "cudnnCreateFilterDescriptor");
}
STANDIN_API int cudnnDestroyFilterDescriptor(cudnnFilterDescriptor_t d) {
    return destroy(g_filters, d, "cudnnDestroyFilterDescriptor");
}
STANDIN_API int cudnnCreateConvolutionDescriptor(cudnnConvolutionDescriptor_t* d) {
    return create(g_convs, d, "cudnnCreateConvolutionDescriptor");
}
STANDIN_API int cudnnDestroyConvolutionDescriptor(cudnnConvolutionDescriptor_t d) {
    return destroy(g_convs, d, "cudnnDestroyConvolutionDescriptor");
}
STANDIN_API int cudnnCreateActivationDescriptor(cudnnActivationDescriptor_t* d) {
    return create(g_acts, d, "cudnnCreateActivationDescriptor");
}
STANDIN_API int cudnnDestroyActivationDescriptor(cudnnActivationDescriptor_t d) {
    return destroy(g_acts, d, "cudnnDestroyActivationDescriptor");
}

// BAD_PARAM: "at least one of the parameters n, c, h, w was negative or format has an invalid enumerant value or
// dataType has an invalid enumerant value"; zero extents are refused too.
STANDIN_API int cudnnSetTensor4dDescriptor(cudnnTensorDescriptor_t d, int layout, int dtype, int n, int c, int h,
                                           int w) {
    const char* fn = "cudnnSetTensor4dDescriptor";
    if (d == nullptr || !g_tensors.contains(d)) return fail(BAD_PARAM, format("%s: not a live descriptor", fn));
    if (n <= 0 || c <= 0 || h <= 0 || w <= 0) {
        return fail(BAD_PARAM, format("%s: extents must be positive, got n=%d c=%d h=%d w=%d", fn, n, c, h, w));
    }
    if (layout < FORMAT_NCHW || layout > FORMAT_NCHW_VECT_C || !valid_dtype(dtype)) {
        return fail(BAD_PARAM, format("%s: invalid format %d or data type %d", fn, layout, dtype));
    }
    d->dtype = dtype;
    d->nb = 4;
    int dims[4] = {n, c, h, w};
    std::memcpy(d->dims, dims, sizeof dims);
    if (layout == FORMAT_NHWC) {
        int strides[4] = {h * w * c, 1, w * c, c};
        std::memcpy(d->strides, strides, sizeof strides);
    } else {
        int strides[4] = {c * h * w, h * w, w, 1};
        std::memcpy(d->strides, strides, sizeof strides);
    }
    d->format = layout;
    d->set = true;
    return SUCCESS;
}

// BAD_PARAM: nbDims < 3 (the documented minimum for SetTensorNdDescriptor) or > 8, or a non-positive extent or
// stride; the layout is NCHW when the strides are the packed row-major ones.
STANDIN_API int cudnnSetTensorNdDescriptor(cudnnTensorDescriptor_t d, int dtype, int nb, const int* dims,
                                           const int* strides) {
    const char* fn = "cudnnSetTensorNdDescriptor";
    if (d == nullptr || !g_tensors.contains(d)) return fail(BAD_PARAM, format("%s: not a live descriptor", fn));
    if (dims == nullptr || strides == nullptr) return fail(BAD_PARAM_NULL_POINTER, format("%s: null array", fn));
    if (nb < 3 || nb > 8 || !valid_dtype(dtype)) {
        return fail(BAD_PARAM, format("%s: nbDims %d (3..8) or data type %d invalid", fn, nb, dtype));
    }
    long long packed = 1;
    bool is_packed = true;
    for (int i = nb - 1; i >= 0; --i) {
        if (dims[i] <= 0 || strides[i] <= 0) {
            return fail(BAD_PARAM, format("%s: dimension %d has extent %d, stride %d", fn, i, dims[i], strides[i]));
        }
        if (strides[i] != packed) is_packed = false;
        packed *= dims[i];
    }
    d->dtype = dtype;
    d->nb = nb;
    for (int i = 0; i < nb; ++i) {
        d->dims[i] = dims[i];
        d->strides[i] = strides[i];
    }
    d->format = is_packed ? FORMAT_NCHW : -1;
    d->set = true;
    return SUCCESS;
}

// Note the argument order: data type before format, unlike cudnnSetTensor4dDescriptor.
STANDIN_API int cudnnSetFilter4dDescriptor(cudnnFilterDescriptor_t d, int dtype, int layout, int k, int c, int h,
                                           int w) {
    const char* fn = "cudnnSetFilter4dDescriptor";
    if (d == nullptr || !g_filters.contains(d)) return fail(BAD_PARAM, format("%s: not a live descriptor", fn));
    if (k <= 0 || c <= 0 || h <= 0 || w <= 0) {
        return fail(BAD_PARAM, format("%s: extents must be positive, got k=%d c=%d h=%d w=%d", fn, k, c, h, w));
    }
    if (layout < FORMAT_NCHW || layout > FORMAT_NCHW_VECT_C || !valid_dtype(dtype)) {
        return fail(BAD_PARAM, format("%s: invalid format %d or data type %d (the order is dataType, format)", fn,
                                      layout, dtype));
    }
    *d = {true, dtype, layout, k, c, h, w};
    return SUCCESS;
}

// BAD_PARAM: "padding is negative, stride or dilation is not positive, mode or computeType invalid".
STANDIN_API int cudnnSetConvolution2dDescriptor(cudnnConvolutionDescriptor_t d, int pad_h, int pad_w, int stride_h,
                                                int stride_w, int dil_h, int dil_w, int mode, int compute) {
    const char* fn = "cudnnSetConvolution2dDescriptor";
    if (d == nullptr || !g_convs.contains(d)) return fail(BAD_PARAM, format("%s: not a live descriptor", fn));
    if (pad_h < 0 || pad_w < 0 || stride_h <= 0 || stride_w <= 0 || dil_h <= 0 || dil_w <= 0) {
        return fail(BAD_PARAM, format("%s: pad %d,%d must be >= 0 and stride %d,%d, dilation %d,%d > 0", fn, pad_h,
                                      pad_w, stride_h, stride_w, dil_h, dil_w));
    }
    if ((mode != MODE_CONVOLUTION && mode != MODE_CROSS_CORRELATION) || !valid_dtype(compute)) {
        return fail(BAD_PARAM, format("%s: invalid mode %d or compute type %d", fn, mode, compute));
    }
    d->pad_h = pad_h;
    d->pad_w = pad_w;
    d->stride_h = stride_h;
    d->stride_w = stride_w;
    d->dil_h = dil_h;
    d->dil_w = dil_w;
    d->mode = mode;
    d->compute = compute;
    d->set = true;
    return SUCCESS;
}

STANDIN_API int cudnnSetConvolutionGroupCount(cudnnConvolutionDescriptor_t d, int groups) {
    if (d == nullptr || !g_convs.contains(d)) {
        return fail(BAD_PARAM, "cudnnSetConvolutionGroupCount: not a live descriptor");
    }
    if (groups < 1) return fail(BAD_PARAM, format("cudnnSetConvolutionGroupCount: groups %d < 1", groups));
    d->groups = groups;
    return SUCCESS;
}

STANDIN_API int cudnnSetConvolutionMathType(cudnnConvolutionDescriptor_t d, int math) {
    if (d == nullptr || !g_convs.contains(d)) {
        return fail(BAD_PARAM, "cudnnSetConvolutionMathType: not a live descriptor");
    }
    if (math < MATH_DEFAULT || math > MATH_FMA) {
        return fail(BAD_PARAM, format("cudnnSetConvolutionMathType: invalid math type %d", math));
    }
    d->math = math;
    return SUCCESS;
}

STANDIN_API int cudnnSetActivationDescriptor(cudnnActivationDescriptor_t d, int mode, int nan_opt, double coef) {
    if (d == nullptr || !g_acts.contains(d)) return fail(BAD_PARAM, "cudnnSetActivationDescriptor: not live");
    if (mode < ACT_SIGMOID || mode > ACT_SWISH || (nan_opt != 0 && nan_opt != 1)) {
        return fail(BAD_PARAM, format("cudnnSetActivationDescriptor: invalid mode %d or NaN option %d", mode,
                                      nan_opt));
    }
    *d = {true, mode, nan_opt, coef};
    return SUCCESS;
}

STANDIN_API int cudnnGetConvolution2dForwardOutputDim(const cudnnConvolutionDescriptor_t conv,
                                                      const cudnnTensorDescriptor_t x,
                                                      const cudnnFilterDescriptor_t w, int* n, int* c, int* h,
                                                      int* wo) {
    const char* fn = "cudnnGetConvolution2dForwardOutputDim";
    if (n == nullptr || c == nullptr || h == nullptr || wo == nullptr) {
        return fail(BAD_PARAM_NULL_POINTER, format("%s: an output pointer is null", fn));
    }
    Problem pr;
    if (int r = check_problem(fn, x, w, conv, nullptr, "inputTensorDesc", "", &pr)) return r;
    *n = pr.n;
    *c = pr.k;
    *h = pr.p;
    *wo = pr.q;
    return SUCCESS;
}

STANDIN_API int cudnnGetConvolutionForwardAlgorithm_v7(cudnnHandle_t h, const cudnnTensorDescriptor_t x,
                                                       const cudnnFilterDescriptor_t w,
                                                       const cudnnConvolutionDescriptor_t conv,
                                                       const cudnnTensorDescriptor_t y, int requested,
                                                       int* returned, cudnnConvolutionFwdAlgoPerf_t* perf) {
    const char* fn = "cudnnGetConvolutionForwardAlgorithm_v7";
    if (int r = check_handle(fn, h)) return r;
    Problem pr;
    if (int r = check_problem(fn, x, w, conv, y, "xDesc", "yDesc", &pr)) return r;
    return get_algorithms(fn, 0, h, pr, requested, returned, perf);
}

STANDIN_API int cudnnGetConvolutionBackwardDataAlgorithm_v7(cudnnHandle_t h, const cudnnFilterDescriptor_t w,
                                                            const cudnnTensorDescriptor_t dy,
                                                            const cudnnConvolutionDescriptor_t conv,
                                                            const cudnnTensorDescriptor_t dx, int requested,
                                                            int* returned, cudnnConvolutionFwdAlgoPerf_t* perf) {
    const char* fn = "cudnnGetConvolutionBackwardDataAlgorithm_v7";
    if (int r = check_handle(fn, h)) return r;
    Problem pr;
    if (int r = check_problem(fn, dx, w, conv, dy, "dxDesc", "dyDesc", &pr)) return r;
    return get_algorithms(fn, 1, h, pr, requested, returned, perf);
}

STANDIN_API int cudnnGetConvolutionBackwardFilterAlgorithm_v7(cudnnHandle_t h, const cudnnTensorDescriptor_t x,
                                                              const cudnnTensorDescriptor_t dy,
                                                              const cudnnConvolutionDescriptor_t conv,
                                                              const cudnnFilterDescriptor_t dw, int requested,
                                                              int* returned, cudnnConvolutionFwdAlgoPerf_t* perf) {
    const char* fn = "cudnnGetConvolutionBackwardFilterAlgorithm_v7";
    if (int r = check_handle(fn, h)) return r;
    Problem pr;
    if (int r = check_problem(fn, x, dw, conv, dy, "xDesc", "dyDesc", &pr)) return r;
    return get_algorithms(fn, 2, h, pr, requested, returned, perf);
}

STANDIN_API int cudnnFindConvolutionForwardAlgorithmEx(cudnnHandle_t h, const cudnnTensorDescriptor_t xd,
                                                        const void* x, const cudnnFilterDescriptor_t wd, const void* w,
                                                        const cudnnConvolutionDescriptor_t conv,
                                                        const cudnnTensorDescriptor_t yd, void* y, int requested,
                                                        int* returned, cudnnConvolutionFwdAlgoPerf_t* perf, void* ws,
                                                        size_t ws_bytes) {
    return find_algorithms("cudnnFindConvolutionForwardAlgorithmEx", 0, h, xd, x, wd, w, yd, nullptr, conv, y,
                           requested, returned, perf, ws, ws_bytes);
}

STANDIN_API int cudnnFindConvolutionBackwardDataAlgorithmEx(cudnnHandle_t h, const cudnnFilterDescriptor_t wd,
                                                             const void* w, const cudnnTensorDescriptor_t dyd,
                                                             const void* dy, const cudnnConvolutionDescriptor_t conv,
                                                             const cudnnTensorDescriptor_t dxd, void* dx,
                                                             int requested, int* returned,
                                                             cudnnConvolutionFwdAlgoPerf_t* perf, void* ws,
                                                             size_t ws_bytes) {
    return find_algorithms("cudnnFindConvolutionBackwardDataAlgorithmEx", 1, h, dxd, nullptr, wd, w, dyd, dy, conv,
                           dx, requested, returned, perf, ws, ws_bytes);
}

STANDIN_API int cudnnFindConvolutionBackwardFilterAlgorithmEx(cudnnHandle_t h, const cudnnTensorDescriptor_t xd,
                                                               const void* x, const cudnnTensorDescriptor_t dyd,
                                                               const void* dy,
                                                               const cudnnConvolutionDescriptor_t conv,
                                                               const cudnnFilterDescriptor_t dwd, void* dw,
                                                               int requested, int* returned,
                                                               cudnnConvolutionFwdAlgoPerf_t* perf, void* ws,
                                                               size_t ws_bytes) {
    return find_algorithms("cudnnFindConvolutionBackwardFilterAlgorithmEx", 2, h, xd, x, dwd, nullptr, dyd, dy, conv,
                           dw, requested, returned, perf, ws, ws_bytes);
}

static int workspace_size(const char* fn, int kind, cudnnHandle_t h, const cudnnTensorStruct* x,
                          const cudnnFilterStruct* w, const cudnnConvolutionStruct* conv, const cudnnTensorStruct* y,
                          int algo, size_t* bytes) {
    if (int r = check_handle(fn, h)) return r;
    if (bytes == nullptr) return fail(BAD_PARAM_NULL_POINTER, format("%s: sizeInBytes is null", fn));
    Problem pr;
    if (int r = check_problem(fn, x, w, conv, y, kind == 1 ? "dxDesc" : "xDesc", kind == 0 ? "yDesc" : "dyDesc",
                              &pr)) {
        return r;
    }
    if (int r = check_algo(fn, kind, algo)) return r;
    *bytes = workspace_bytes(kind, algo, pr);
    return SUCCESS;
}

STANDIN_API int cudnnGetConvolutionForwardWorkspaceSize(cudnnHandle_t h, const cudnnTensorDescriptor_t x,
                                                        const cudnnFilterDescriptor_t w,
                                                        const cudnnConvolutionDescriptor_t conv,
                                                        const cudnnTensorDescriptor_t y, int algo, size_t* bytes) {
    return workspace_size("cudnnGetConvolutionForwardWorkspaceSize", 0, h, x, w, conv, y, algo, bytes);
}

STANDIN_API int cudnnGetConvolutionBackwardDataWorkspaceSize(cudnnHandle_t h, const cudnnFilterDescriptor_t w,
                                                             const cudnnTensorDescriptor_t dy,
                                                             const cudnnConvolutionDescriptor_t conv,
                                                             const cudnnTensorDescriptor_t dx, int algo,
                                                             size_t* bytes) {
    return workspace_size("cudnnGetConvolutionBackwardDataWorkspaceSize", 1, h, dx, w, conv, dy, algo, bytes);
}

STANDIN_API int cudnnGetConvolutionBackwardFilterWorkspaceSize(cudnnHandle_t h, const cudnnTensorDescriptor_t x,
                                                               const cudnnTensorDescriptor_t dy,
                                                               const cudnnConvolutionDescriptor_t conv,
                                                               const cudnnFilterDescriptor_t dw, int algo,
                                                               size_t* bytes) {
    return workspace_size("cudnnGetConvolutionBackwardFilterWorkspaceSize", 2, h, x, dw, conv, dy, algo, bytes);
}

STANDIN_API int cudnnConvolutionForward(cudnnHandle_t h, const void* alpha, const cudnnTensorDescriptor_t xd,
                                        const void* x, const cudnnFilterDescriptor_t wd, const void* w,
                                        const cudnnConvolutionDescriptor_t conv, int algo, void* ws, size_t ws_bytes,
                                        const void* beta, const cudnnTensorDescriptor_t yd, void* y) {
    return run_convolution("cudnnConvolutionForward", 0, h, alpha, beta, xd, x, wd, w, yd, nullptr, conv, algo, ws,
                           ws_bytes, y);
}

STANDIN_API int cudnnConvolutionBackwardData(cudnnHandle_t h, const void* alpha, const cudnnFilterDescriptor_t wd,
                                             const void* w, const cudnnTensorDescriptor_t dyd, const void* dy,
                                             const cudnnConvolutionDescriptor_t conv, int algo, void* ws,
                                             size_t ws_bytes, const void* beta, const cudnnTensorDescriptor_t dxd,
                                             void* dx) {
    return run_convolution("cudnnConvolutionBackwardData", 1, h, alpha, beta, dxd, nullptr, wd, w, dyd, dy, conv,
                           algo, ws, ws_bytes, dx);
}

STANDIN_API int cudnnConvolutionBackwardFilter(cudnnHandle_t h, const void* alpha, const cudnnTensorDescriptor_t xd,
                                               const void* x, const cudnnTensorDescriptor_t dyd, const void* dy,
                                               const cudnnConvolutionDescriptor_t conv, int algo, void* ws,
                                               size_t ws_bytes, const void* beta, const cudnnFilterDescriptor_t dwd,
                                               void* dw) {
    return run_convolution("cudnnConvolutionBackwardFilter", 2, h, alpha, beta, xd, x, dwd, nullptr, dyd, dy, conv,
                           algo, ws, ws_bytes, dw);
}

// C = alpha A + beta C, where each dimension of A equals C's or is 1 (broadcast), e.g. a [1,K,1,1] bias.
STANDIN_API int cudnnAddTensor(cudnnHandle_t h, const void* alpha, const cudnnTensorDescriptor_t ad, const void* A,
                               const void* beta, const cudnnTensorDescriptor_t cd, void* C) {
    const char* fn = "cudnnAddTensor";
    if (int r = check_handle(fn, h)) return r;
    if (int r = check_stream(fn, h)) return r;
    if (int r = check_desc(fn, "aDesc", g_tensors, ad)) return r;
    if (int r = check_desc(fn, "cDesc", g_tensors, cd)) return r;
    if (ad->nb != cd->nb || ad->dtype != cd->dtype) {
        return fail(BAD_PARAM, format("%s: aDesc and cDesc differ in rank or data type", fn));
    }
    for (int i = 0; i < ad->nb; ++i) {
        if (ad->dims[i] != cd->dims[i] && ad->dims[i] != 1) {
            return fail(BAD_PARAM, format("%s: dimension %d of A is %d; it must be C's (%d) or 1", fn, i,
                                          ad->dims[i], cd->dims[i]));
        }
    }
    if (int r = check_nchw(fn, "aDesc", ad)) return r;
    if (int r = check_nchw(fn, "cDesc", cd)) return r;
    if (int r = check_scalar(fn, "alpha", alpha)) return r;
    if (int r = check_scalar(fn, "beta", beta)) return r;
    size_t e = elem_bytes(cd->dtype);
    if (int r = check_data(fn, "A", A, numel(ad) * e, e)) return r;
    if (int r = check_data(fn, "C", C, numel(cd) * e, e)) return r;
    double a = read_scalar(alpha, cd->dtype), b = read_scalar(beta, cd->dtype);
    const int* dc = cd->dims;
    const int* da = ad->dims;
    for (int n = 0; n < dc[0]; ++n)
        for (int c = 0; c < dc[1]; ++c)
            for (int y = 0; y < dc[2]; ++y)
                for (int x = 0; x < dc[3]; ++x) {
                    size_t ci = ((size_t(n) * dc[1] + c) * dc[2] + y) * dc[3] + x;
                    size_t ai = ((size_t(da[0] == 1 ? 0 : n) * da[1] + (da[1] == 1 ? 0 : c)) * da[2] +
                                 (da[2] == 1 ? 0 : y)) * da[3] + (da[3] == 1 ? 0 : x);
                    if (cd->dtype == DATA_DOUBLE) {
                        double* cp = static_cast<double*>(C);
                        cp[ci] = a * static_cast<const double*>(A)[ai] + (b == 0 ? 0.0 : b * cp[ci]);
                    } else {
                        float* cp = static_cast<float*>(C);
                        cp[ci] = float(a * double(static_cast<const float*>(A)[ai]) + (b == 0 ? 0.0 : b * cp[ci]));
                    }
                }
    last_error().clear();
    return SUCCESS;
}

// y = act(alpha1 conv(x, w) + alpha2 z + bias): bias [1,K,1,1]; z shaped like y and allowed to alias it;
// activation RELU, or IDENTITY with IMPLICIT_PRECOMP_GEMM only (cudnnConvolutionBiasActivationForward).
STANDIN_API int cudnnConvolutionBiasActivationForward(
    cudnnHandle_t h, const void* alpha1, const cudnnTensorDescriptor_t xd, const void* x,
    const cudnnFilterDescriptor_t wd, const void* w, const cudnnConvolutionDescriptor_t conv, int algo, void* ws,
    size_t ws_bytes, const void* alpha2, const cudnnTensorDescriptor_t zd, const void* z,
    const cudnnTensorDescriptor_t biasd, const void* bias, const cudnnActivationDescriptor_t act,
    const cudnnTensorDescriptor_t yd, void* y) {
    const char* fn = "cudnnConvolutionBiasActivationForward";
    if (int r = check_handle(fn, h)) return r;
    if (int r = check_stream(fn, h)) return r;
    Problem pr;
    if (int r = check_problem(fn, xd, wd, conv, yd, "xDesc", "yDesc", &pr)) return r;
    if (int r = check_desc(fn, "zDesc", g_tensors, zd)) return r;
    if (int r = check_desc(fn, "biasDesc", g_tensors, biasd)) return r;
    if (int r = check_desc(fn, "activationDesc", g_acts, act)) return r;
    if (zd->nb != 4 || std::memcmp(zd->dims, yd->dims, sizeof(int) * 4) != 0 || zd->dtype != yd->dtype) {
        return fail(BAD_PARAM, format("%s: zDesc must describe a tensor shaped like yDesc", fn));
    }
    if (biasd->nb != 4 || biasd->dims[0] != 1 || biasd->dims[1] != pr.k || biasd->dims[2] != 1 ||
        biasd->dims[3] != 1 || biasd->dtype != yd->dtype) {
        return fail(BAD_PARAM, format("%s: biasDesc must be [1,%d,1,1] of the output's data type", fn, pr.k));
    }
    if (act->mode != ACT_RELU && act->mode != ACT_IDENTITY) {
        return fail(NOT_SUPPORTED, format("%s: activation mode %d; only RELU and IDENTITY are supported", fn,
                                          act->mode));
    }
    if (act->mode == ACT_IDENTITY && algo != FWD_IMPLICIT_PRECOMP_GEMM) {
        return fail(NOT_SUPPORTED, format("%s: IDENTITY activation needs CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_"
                                          "PRECOMP_GEMM, got algorithm %d", fn, algo));
    }
    if (int r = check_scalar(fn, "alpha1", alpha1)) return r;
    if (int r = check_scalar(fn, "alpha2", alpha2)) return r;
    if (int r = check_algo(fn, 0, algo)) return r;
    size_t e = elem_bytes(pr.dtype);
    size_t yb = numel(yd) * e;
    if (int r = check_data(fn, "x", x, numel(xd) * e, e)) return r;
    if (int r = check_data(fn, "w", w, size_t(wd->k) * wd->c * wd->h * wd->w * e, e)) return r;
    if (int r = check_data(fn, "z", z, yb, e)) return r;
    if (int r = check_data(fn, "bias", bias, size_t(pr.k) * e, e)) return r;
    if (int r = check_data(fn, "y", y, yb, e)) return r;
    if (int r = check_workspace(fn, 0, algo, pr, ws, ws_bytes)) return r;
    double a1 = read_scalar(alpha1, pr.dtype), a2 = read_scalar(alpha2, pr.dtype);
    std::vector<double> acc;
    size_t plane = size_t(pr.p) * pr.q;
    if (pr.dtype == DATA_DOUBLE) conv_forward(pr, static_cast<const double*>(x), static_cast<const double*>(w), acc);
    else conv_forward(pr, static_cast<const float*>(x), static_cast<const float*>(w), acc);
    for (size_t i = 0; i < acc.size(); ++i) {
        size_t k = (i / plane) % size_t(pr.k);
        double zi, bi;
        if (pr.dtype == DATA_DOUBLE) {
            zi = static_cast<const double*>(z)[i];
            bi = static_cast<const double*>(bias)[k];
        } else {
            zi = static_cast<const float*>(z)[i];
            bi = static_cast<const float*>(bias)[k];
        }
        double v = a1 * acc[i] + (a2 == 0 ? 0.0 : a2 * zi) + bi;
        if (act->mode == ACT_RELU && !(v > 0)) v = (std::isnan(v) && act->nan_opt == 1) ? v : 0.0;
        if (pr.dtype == DATA_DOUBLE) static_cast<double*>(y)[i] = v;
        else static_cast<float*>(y)[i] = float(v);
    }
    last_error().clear();
    return SUCCESS;
}
