/*
 * rcnn4j's JNI binding of cuBLAS and cuDNN (Java side: org.rcnn4j.cuda.NvidiaNative, used by Cublas and Cudnn).
 *
 * Nothing of NVIDIA's is linked or included: the libraries are dlopen'ed at run time from the names or paths the
 * Java side passes, and the few prototypes and enum values used are written out here, taken from NVIDIA's
 * documentation (cuBLAS Library User Guide, "cuBLAS API"; cuDNN 9 API Reference, "cudnn_graph", "cudnn_ops",
 * "cudnn_cnn"). Every function returns the library's status code unchanged; the Java side turns codes into
 * exceptions. A library or symbol that is missing is reported as a string, never a crash.
 *
 * Scalars (alpha, beta) are host pointers in both libraries (cuBLAS pointer mode HOST, the default; cuDNN always):
 * the functions take them as Java doubles and pass the address of a local float or double, whichever the call's
 * data type asks for. The "raw" variants pass caller-chosen addresses instead, for the stand-ins' misuse tests.
 */
#include <dlfcn.h>
#include <jni.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dl_open.h"

#define EXPORT __attribute__((visibility("default")))
#define FN(name) Java_org_rcnn4j_cuda_NvidiaNative_##name

typedef int status_t;       /* cublasStatus_t, cudnnStatus_t: enums, 4-byte ints */
typedef void* handle_t;     /* cublasHandle_t, cudnnHandle_t, descriptors: pointers to opaque structs */
typedef void* stream_t;     /* cudaStream_t == CUstream (struct CUstream_st*) */

/* cudnnConvolution*AlgoPerf_t (cuDNN 9 API Reference, cudnn_cnn): 48 bytes, identical in 8.9 and 9.x. */
typedef struct {
    int algo;
    status_t status;
    float time;
    size_t memory;
    int determinism;
    int mathType;
    int reserved[3];
} algo_perf_t;

/* ---- cuBLAS (cuBLAS Library User Guide; symbol names as exported by libcublas.so.12 and .so.13) ---------- */
static struct {
    void* lib;
    status_t (*Create)(handle_t*);                                     /* cublasCreate_v2 */
    status_t (*Destroy)(handle_t);                                     /* cublasDestroy_v2 */
    status_t (*SetStream)(handle_t, stream_t);                         /* cublasSetStream_v2 */
    status_t (*GetVersion)(handle_t, int*);                            /* cublasGetVersion_v2 */
    status_t (*SetMathMode)(handle_t, int);                            /* cublasSetMathMode */
    status_t (*SetPointerMode)(handle_t, int);                         /* cublasSetPointerMode_v2 */
    status_t (*SetWorkspace)(handle_t, void*, size_t);                 /* cublasSetWorkspace_v2 */
    status_t (*GemmEx)(handle_t, int, int, int, int, int, const void*, const void*, int, int, const void*, int, int,
                       const void*, void*, int, int, int, int);
    status_t (*GemmStridedBatchedEx)(handle_t, int, int, int, int, int, const void*, const void*, int, int,
                                     long long, const void*, int, int, long long, const void*, void*, int, int,
                                     long long, int, int, int);
    const char* (*GetStatusString)(status_t);                          /* optional (cuBLAS >= 11.4.2) */
    const char* (*EmuLastError)(void);                                 /* optional: rcnn4j's stand-in only */
} cublas;

/* ---- cuDNN 9 (legacy convolution API: deprecated in 9.x, prototypes unchanged since 8.x) --------------------- */
static struct {
    void* lib;
    status_t (*Create)(handle_t*);
    status_t (*Destroy)(handle_t);
    status_t (*SetStream)(handle_t, stream_t);
    size_t (*GetVersion)(void);
    const char* (*GetErrorString)(status_t);
    void (*GetLastErrorString)(char*, size_t);
    status_t (*CreateTensorDescriptor)(handle_t*);
    status_t (*SetTensor4dDescriptor)(handle_t, int, int, int, int, int, int);     /* (T, format, dtype, n,c,h,w) */
    status_t (*SetTensorNdDescriptor)(handle_t, int, int, const int*, const int*); /* (T, dtype, nb, dim, stride) */
    status_t (*DestroyTensorDescriptor)(handle_t);
    status_t (*CreateFilterDescriptor)(handle_t*);
    status_t (*SetFilter4dDescriptor)(handle_t, int, int, int, int, int, int);     /* (F, dtype, format, k,c,h,w) */
    status_t (*DestroyFilterDescriptor)(handle_t);
    status_t (*CreateConvolutionDescriptor)(handle_t*);
    status_t (*SetConvolution2dDescriptor)(handle_t, int, int, int, int, int, int, int, int);
    status_t (*SetConvolutionGroupCount)(handle_t, int);
    status_t (*SetConvolutionMathType)(handle_t, int);
    status_t (*DestroyConvolutionDescriptor)(handle_t);
    status_t (*CreateActivationDescriptor)(handle_t*);
    status_t (*SetActivationDescriptor)(handle_t, int, int, double);
    status_t (*DestroyActivationDescriptor)(handle_t);
    status_t (*GetConvolution2dForwardOutputDim)(handle_t, handle_t, handle_t, int*, int*, int*, int*);
    /* the three Get*_v7 share one shape: (H, D1, D2, C, D3, requested, returned*, perf*) */
    status_t (*GetAlgorithm[3])(handle_t, handle_t, handle_t, handle_t, handle_t, int, int*, algo_perf_t*);
    /* the three Find*AlgorithmEx: (H, D1, P1, D2, P2, C, D3, P3, requested, returned*, perf*, ws, wsBytes); they
     * run every algorithm on the operands given (the output P3 is overwritten) and time it on the device */
    status_t (*FindAlgorithmEx[3])(handle_t, handle_t, const void*, handle_t, const void*, handle_t, handle_t, void*,
                                   int, int*, algo_perf_t*, void*, size_t);
    /* the three *WorkspaceSize: (H, D1, D2, C, D3, algo, size_t*) */
    status_t (*GetWorkspaceSize[3])(handle_t, handle_t, handle_t, handle_t, handle_t, int, size_t*);
    /* Forward, BackwardData, BackwardFilter: (H, a, D1, P1, D2, P2, C, algo, ws, wsBytes, b, D3, P3) */
    status_t (*Run[3])(handle_t, const void*, handle_t, const void*, handle_t, const void*, handle_t, int, void*,
                       size_t, const void*, handle_t, void*);
    status_t (*AddTensor)(handle_t, const void*, handle_t, const void*, const void*, handle_t, void*);
    status_t (*BiasActivationForward)(handle_t, const void*, handle_t, const void*, handle_t, const void*, handle_t,
                                      int, void*, size_t, const void*, handle_t, const void*, handle_t, const void*,
                                      handle_t, handle_t, void*);
} cudnn;

/* ---- loading ------------------------------------------------------------------------------------------- */

/*
 * Opens the first candidate that loads and resolves every required symbol into the table (dl_open.h). On success
 * writes info[0] = the file it loaded, info[1] = "stand-in" for rcnn4j's emulator stand-ins (they export
 * rcnn4j_emu_standin) else null, and returns null; on failure returns why.
 */
static jstring open_library(JNIEnv* env, void** lib_slot, symbol_t* symbols, size_t count, jobjectArray candidates,
                            jobjectArray info) {
    char path[1024];
    jstring why = rcnn4j_open_first(env, candidates, symbols, count, lib_slot, path, sizeof path);
    if (why != NULL) {
        return why;
    }
    (*env)->SetObjectArrayElement(env, info, 0, (*env)->NewStringUTF(env, path));
    (*env)->SetObjectArrayElement(env, info, 1, dlsym(*lib_slot, "rcnn4j_emu_standin") != NULL
                                                    ? (*env)->NewStringUTF(env, "stand-in") : NULL);
    return NULL;
}

EXPORT jstring JNICALL FN(openCublas)(JNIEnv* env, jclass c, jobjectArray candidates, jobjectArray info) {
    /* _v2 names for the calls whose plain name is the legacy (handle-less) API; none for the newer calls */
    symbol_t symbols[] = {
        SYM(cublas, Create, "cublasCreate_v2"),
        SYM(cublas, Destroy, "cublasDestroy_v2"),
        SYM(cublas, SetStream, "cublasSetStream_v2"),
        SYM(cublas, GetVersion, "cublasGetVersion_v2"),
        SYM(cublas, SetMathMode, "cublasSetMathMode"),
        SYM(cublas, SetPointerMode, "cublasSetPointerMode_v2"),
        SYM(cublas, SetWorkspace, "cublasSetWorkspace_v2"),
        SYM(cublas, GemmEx, "cublasGemmEx"),
        SYM(cublas, GemmStridedBatchedEx, "cublasGemmStridedBatchedEx"),
        OPT(cublas, GetStatusString, "cublasGetStatusString"),
        OPT(cublas, EmuLastError, "rcnn4j_emu_cublas_last_error"),
    };
    return open_library(env, &cublas.lib, symbols, sizeof symbols / sizeof symbols[0], candidates, info);
}

EXPORT jstring JNICALL FN(openCudnn)(JNIEnv* env, jclass c, jobjectArray candidates, jobjectArray info) {
    symbol_t symbols[] = {
        SYM(cudnn, Create, "cudnnCreate"),
        SYM(cudnn, Destroy, "cudnnDestroy"),
        SYM(cudnn, SetStream, "cudnnSetStream"),
        SYM(cudnn, GetVersion, "cudnnGetVersion"),
        SYM(cudnn, GetErrorString, "cudnnGetErrorString"),
        OPT(cudnn, GetLastErrorString, "cudnnGetLastErrorString"), /* new in 9.0 */
        SYM(cudnn, CreateTensorDescriptor, "cudnnCreateTensorDescriptor"),
        SYM(cudnn, SetTensor4dDescriptor, "cudnnSetTensor4dDescriptor"),
        SYM(cudnn, SetTensorNdDescriptor, "cudnnSetTensorNdDescriptor"),
        SYM(cudnn, DestroyTensorDescriptor, "cudnnDestroyTensorDescriptor"),
        SYM(cudnn, CreateFilterDescriptor, "cudnnCreateFilterDescriptor"),
        SYM(cudnn, SetFilter4dDescriptor, "cudnnSetFilter4dDescriptor"),
        SYM(cudnn, DestroyFilterDescriptor, "cudnnDestroyFilterDescriptor"),
        SYM(cudnn, CreateConvolutionDescriptor, "cudnnCreateConvolutionDescriptor"),
        SYM(cudnn, SetConvolution2dDescriptor, "cudnnSetConvolution2dDescriptor"),
        SYM(cudnn, SetConvolutionGroupCount, "cudnnSetConvolutionGroupCount"),
        SYM(cudnn, SetConvolutionMathType, "cudnnSetConvolutionMathType"),
        SYM(cudnn, DestroyConvolutionDescriptor, "cudnnDestroyConvolutionDescriptor"),
        SYM(cudnn, CreateActivationDescriptor, "cudnnCreateActivationDescriptor"),
        SYM(cudnn, SetActivationDescriptor, "cudnnSetActivationDescriptor"),
        SYM(cudnn, DestroyActivationDescriptor, "cudnnDestroyActivationDescriptor"),
        SYM(cudnn, GetConvolution2dForwardOutputDim, "cudnnGetConvolution2dForwardOutputDim"),
        SYM(cudnn, GetAlgorithm[0], "cudnnGetConvolutionForwardAlgorithm_v7"),
        SYM(cudnn, GetAlgorithm[1], "cudnnGetConvolutionBackwardDataAlgorithm_v7"),
        SYM(cudnn, GetAlgorithm[2], "cudnnGetConvolutionBackwardFilterAlgorithm_v7"),
        SYM(cudnn, FindAlgorithmEx[0], "cudnnFindConvolutionForwardAlgorithmEx"),
        SYM(cudnn, FindAlgorithmEx[1], "cudnnFindConvolutionBackwardDataAlgorithmEx"),
        SYM(cudnn, FindAlgorithmEx[2], "cudnnFindConvolutionBackwardFilterAlgorithmEx"),
        SYM(cudnn, GetWorkspaceSize[0], "cudnnGetConvolutionForwardWorkspaceSize"),
        SYM(cudnn, GetWorkspaceSize[1], "cudnnGetConvolutionBackwardDataWorkspaceSize"),
        SYM(cudnn, GetWorkspaceSize[2], "cudnnGetConvolutionBackwardFilterWorkspaceSize"),
        SYM(cudnn, Run[0], "cudnnConvolutionForward"),
        SYM(cudnn, Run[1], "cudnnConvolutionBackwardData"),
        SYM(cudnn, Run[2], "cudnnConvolutionBackwardFilter"),
        SYM(cudnn, AddTensor, "cudnnAddTensor"),
        SYM(cudnn, BiasActivationForward, "cudnnConvolutionBiasActivationForward"),
    };
    return open_library(env, &cudnn.lib, symbols, sizeof symbols / sizeof symbols[0], candidates, info);
}

/* The address a JCuda pointer object stands for: its native pointer plus, for a jcuda.Pointer, its byte offset
 * (JCuda's own natives compute device addresses the same way). */
EXPORT jlong JNICALL FN(address)(JNIEnv* env, jclass c, jobject pointer) {
    if (pointer == NULL) return 0;
    jclass npo = (*env)->FindClass(env, "jcuda/NativePointerObject");
    jfieldID native_pointer = npo ? (*env)->GetFieldID(env, npo, "nativePointer", "J") : NULL;
    if (native_pointer == NULL) return 0; /* an exception is pending: the Java caller sees it */
    jlong address = (*env)->GetLongField(env, pointer, native_pointer);
    jclass ptr = (*env)->FindClass(env, "jcuda/Pointer");
    if (ptr != NULL && (*env)->IsInstanceOf(env, pointer, ptr)) {
        jfieldID offset = (*env)->GetFieldID(env, ptr, "byteOffset", "J");
        if (offset == NULL) return 0;
        address += (*env)->GetLongField(env, pointer, offset);
    }
    return address;
}

#define H(x) ((handle_t)(intptr_t)(x))
#define P(x) ((void*)(intptr_t)(x))

static void put_long(JNIEnv* env, jlongArray out, jlong v) {
    (*env)->SetLongArrayRegion(env, out, 0, 1, &v);
}

static void put_int(JNIEnv* env, jintArray out, jint v) {
    (*env)->SetIntArrayRegion(env, out, 0, 1, &v);
}

/* ---- cuBLAS calls ---------------------------------------------------------------------------------------- */

EXPORT jint JNICALL FN(cublasCreate)(JNIEnv* env, jclass c, jlongArray out) {
    handle_t h = NULL;
    status_t s = cublas.Create(&h);
    put_long(env, out, (jlong)(intptr_t)h);
    return s;
}

EXPORT jint JNICALL FN(cublasDestroy)(JNIEnv* env, jclass c, jlong h) { return cublas.Destroy(H(h)); }

EXPORT jint JNICALL FN(cublasSetStream)(JNIEnv* env, jclass c, jlong h, jlong stream) {
    return cublas.SetStream(H(h), P(stream));
}

EXPORT jint JNICALL FN(cublasGetVersion)(JNIEnv* env, jclass c, jlong h, jintArray out) {
    int v = 0;
    status_t s = cublas.GetVersion(H(h), &v);
    put_int(env, out, v);
    return s;
}

EXPORT jint JNICALL FN(cublasSetMathMode)(JNIEnv* env, jclass c, jlong h, jint mode) {
    return cublas.SetMathMode(H(h), mode);
}

EXPORT jint JNICALL FN(cublasSetPointerMode)(JNIEnv* env, jclass c, jlong h, jint mode) {
    return cublas.SetPointerMode(H(h), mode);
}

EXPORT jint JNICALL FN(cublasSetWorkspace)(JNIEnv* env, jclass c, jlong h, jlong ws, jlong bytes) {
    return cublas.SetWorkspace(H(h), P(ws), (size_t)bytes);
}

/* cublasComputeType_t values whose scalars are double (CUBLAS_COMPUTE_64F, _64F_PEDANTIC); the rest used here
 * (32F 68, 32F_PEDANTIC 69, 32F_FAST_TF32 77) take float scalars (cuBLAS guide, cublasGemmEx). */
static int double_scalars(int compute_type) { return compute_type == 70 || compute_type == 71; }

typedef union {
    float f;
    double d;
} scalar_t;

static const void* scalar(scalar_t* s, double value, int as_double) {
    if (as_double) s->d = value;
    else s->f = (float)value;
    return s;
}

EXPORT jint JNICALL FN(cublasGemmEx)(JNIEnv* env, jclass c, jlong h, jint opA, jint opB, jint m, jint n, jint k,
                                     jboolean raw, jdouble alpha, jlong alphaPtr, jlong A, jint aType, jint lda,
                                     jlong B, jint bType, jint ldb, jdouble beta, jlong betaPtr, jlong C, jint cType,
                                     jint ldc, jint computeType, jint algo) {
    scalar_t a, b;
    int dbl = double_scalars(computeType);
    const void* pa = raw ? P(alphaPtr) : scalar(&a, alpha, dbl);
    const void* pb = raw ? P(betaPtr) : scalar(&b, beta, dbl);
    return cublas.GemmEx(H(h), opA, opB, m, n, k, pa, P(A), aType, lda, P(B), bType, ldb, pb, P(C), cType, ldc,
                         computeType, algo);
}

EXPORT jint JNICALL FN(cublasGemmStridedBatchedEx)(JNIEnv* env, jclass c, jlong h, jint opA, jint opB, jint m,
                                                   jint n, jint k, jdouble alpha, jlong A, jint aType, jint lda,
                                                   jlong strideA, jlong B, jint bType, jint ldb, jlong strideB,
                                                   jdouble beta, jlong C, jint cType, jint ldc, jlong strideC,
                                                   jint batch, jint computeType, jint algo) {
    scalar_t a, b;
    int dbl = double_scalars(computeType);
    return cublas.GemmStridedBatchedEx(H(h), opA, opB, m, n, k, scalar(&a, alpha, dbl), P(A), aType, lda, strideA,
                                       P(B), bType, ldb, strideB, scalar(&b, beta, dbl), P(C), cType, ldc, strideC,
                                       batch, computeType, algo);
}

/* The library's text for a status, and the stand-in's detail of the last failure on this thread (null when
 * neither is known). */
EXPORT jstring JNICALL FN(cublasDescribe)(JNIEnv* env, jclass c, jint status) {
    char text[2048];
    const char* name = cublas.GetStatusString ? cublas.GetStatusString(status) : NULL;
    const char* detail = cublas.EmuLastError ? cublas.EmuLastError() : NULL;
    if (name == NULL && (detail == NULL || !*detail)) return NULL;
    snprintf(text, sizeof text, "%s%s%s", name ? name : "", name && detail && *detail ? ": " : "",
             detail && *detail ? detail : "");
    return (*env)->NewStringUTF(env, text);
}

/* ---- cuDNN calls ----------------------------------------------------------------------------------------- */

EXPORT jlong JNICALL FN(cudnnGetVersion)(JNIEnv* env, jclass c) { return (jlong)cudnn.GetVersion(); }

EXPORT jstring JNICALL FN(cudnnDescribe)(JNIEnv* env, jclass c, jint status) {
    char text[2048], last[1536];
    const char* name = cudnn.GetErrorString(status);
    last[0] = 0;
    if (cudnn.GetLastErrorString) cudnn.GetLastErrorString(last, sizeof last);
    snprintf(text, sizeof text, "%s%s%s", name ? name : "", last[0] ? ": " : "", last);
    return (*env)->NewStringUTF(env, text);
}

EXPORT jint JNICALL FN(cudnnCreate)(JNIEnv* env, jclass c, jlongArray out) {
    handle_t h = NULL;
    status_t s = cudnn.Create(&h);
    put_long(env, out, (jlong)(intptr_t)h);
    return s;
}

EXPORT jint JNICALL FN(cudnnDestroy)(JNIEnv* env, jclass c, jlong h) { return cudnn.Destroy(H(h)); }

EXPORT jint JNICALL FN(cudnnSetStream)(JNIEnv* env, jclass c, jlong h, jlong stream) {
    return cudnn.SetStream(H(h), P(stream));
}

/* kind: 0 tensor, 1 filter, 2 convolution, 3 activation */
EXPORT jint JNICALL FN(cudnnCreateDescriptor)(JNIEnv* env, jclass c, jint kind, jlongArray out) {
    handle_t d = NULL;
    status_t s;
    switch (kind) {
        case 0: s = cudnn.CreateTensorDescriptor(&d); break;
        case 1: s = cudnn.CreateFilterDescriptor(&d); break;
        case 2: s = cudnn.CreateConvolutionDescriptor(&d); break;
        case 3: s = cudnn.CreateActivationDescriptor(&d); break;
        default: return -1;
    }
    put_long(env, out, (jlong)(intptr_t)d);
    return s;
}

EXPORT jint JNICALL FN(cudnnDestroyDescriptor)(JNIEnv* env, jclass c, jint kind, jlong d) {
    switch (kind) {
        case 0: return cudnn.DestroyTensorDescriptor(H(d));
        case 1: return cudnn.DestroyFilterDescriptor(H(d));
        case 2: return cudnn.DestroyConvolutionDescriptor(H(d));
        case 3: return cudnn.DestroyActivationDescriptor(H(d));
        default: return -1;
    }
}

EXPORT jint JNICALL FN(cudnnSetTensor4d)(JNIEnv* env, jclass c, jlong d, jint format, jint dtype, jint n, jint ch,
                                         jint h, jint w) {
    return cudnn.SetTensor4dDescriptor(H(d), format, dtype, n, ch, h, w);
}

EXPORT jint JNICALL FN(cudnnSetTensorNd)(JNIEnv* env, jclass c, jlong d, jint dtype, jintArray dims,
                                         jintArray strides) {
    int dim[8], stride[8];
    jsize n = (*env)->GetArrayLength(env, dims);
    if (n > 8 || (*env)->GetArrayLength(env, strides) != n) return -1;
    (*env)->GetIntArrayRegion(env, dims, 0, n, dim);
    (*env)->GetIntArrayRegion(env, strides, 0, n, stride);
    return cudnn.SetTensorNdDescriptor(H(d), dtype, n, dim, stride);
}

EXPORT jint JNICALL FN(cudnnSetFilter4d)(JNIEnv* env, jclass c, jlong d, jint dtype, jint format, jint k, jint ch,
                                         jint h, jint w) {
    return cudnn.SetFilter4dDescriptor(H(d), dtype, format, k, ch, h, w);
}

EXPORT jint JNICALL FN(cudnnSetConvolution2d)(JNIEnv* env, jclass c, jlong d, jint padH, jint padW, jint strideH,
                                              jint strideW, jint dilH, jint dilW, jint mode, jint computeType) {
    return cudnn.SetConvolution2dDescriptor(H(d), padH, padW, strideH, strideW, dilH, dilW, mode, computeType);
}

EXPORT jint JNICALL FN(cudnnSetConvolutionGroupCount)(JNIEnv* env, jclass c, jlong d, jint groups) {
    return cudnn.SetConvolutionGroupCount(H(d), groups);
}

EXPORT jint JNICALL FN(cudnnSetConvolutionMathType)(JNIEnv* env, jclass c, jlong d, jint mathType) {
    return cudnn.SetConvolutionMathType(H(d), mathType);
}

EXPORT jint JNICALL FN(cudnnSetActivation)(JNIEnv* env, jclass c, jlong d, jint mode, jint nanOpt, jdouble coef) {
    return cudnn.SetActivationDescriptor(H(d), mode, nanOpt, coef);
}

EXPORT jint JNICALL FN(cudnnGetForwardOutputDim)(JNIEnv* env, jclass c, jlong conv, jlong x, jlong w,
                                                 jintArray out) {
    int dims[4] = {0, 0, 0, 0};
    status_t s = cudnn.GetConvolution2dForwardOutputDim(H(conv), H(x), H(w), &dims[0], &dims[1], &dims[2],
                                                        &dims[3]);
    (*env)->SetIntArrayRegion(env, out, 0, 4, (const jint*)dims);
    return s;
}

/* kind 0 forward (x, w, conv, y), 1 backward data (w, dy, conv, dx), 2 backward filter (x, dy, conv, dw). perf
 * receives 6 longs per algorithm returned: algo, status, time (float bits), memory, determinism, mathType. */
EXPORT jint JNICALL FN(cudnnGetAlgorithms)(JNIEnv* env, jclass c, jint kind, jlong h, jlong d1, jlong d2,
                                           jlong conv, jlong d3, jint requested, jintArray returned,
                                           jlongArray perf) {
    algo_perf_t results[16];
    int count = 0;
    if (kind < 0 || kind > 2 || requested < 0 || requested > 16) return -1;
    memset(results, 0, sizeof results);
    status_t s = cudnn.GetAlgorithm[kind](H(h), H(d1), H(d2), H(conv), H(d3), requested, &count, results);
    if (count < 0) count = 0;
    if (count > requested) count = requested;
    put_int(env, returned, count);
    for (int i = 0; i < count && 6 * (i + 1) <= (*env)->GetArrayLength(env, perf); i++) {
        jint time_bits;
        memcpy(&time_bits, &results[i].time, 4);
        jlong row[6] = {results[i].algo, results[i].status, time_bits, (jlong)results[i].memory,
                        results[i].determinism, results[i].mathType};
        (*env)->SetLongArrayRegion(env, perf, 6 * i, 6, row);
    }
    return s;
}

/* Copies count perf entries into perf as 6 longs each (see cudnnGetAlgorithms). */
static void put_perf(JNIEnv* env, jlongArray perf, const algo_perf_t* results, int count) {
    for (int i = 0; i < count && 6 * (i + 1) <= (*env)->GetArrayLength(env, perf); i++) {
        jint time_bits;
        memcpy(&time_bits, &results[i].time, 4);
        jlong row[6] = {results[i].algo, results[i].status, time_bits, (jlong)results[i].memory,
                        results[i].determinism, results[i].mathType};
        (*env)->SetLongArrayRegion(env, perf, 6 * i, 6, row);
    }
}

/* cudnnFind*AlgorithmEx: kind 0 forward (x, w, conv, y), 1 backward data (w, dy, conv, dx), 2 backward filter
 * (x, dy, conv, dw), each descriptor followed by its data pointer; the output (p3) is overwritten. perf as for
 * cudnnGetAlgorithms, sorted by measured time. */
EXPORT jint JNICALL FN(cudnnFindAlgorithms)(JNIEnv* env, jclass c, jint kind, jlong h, jlong d1, jlong p1, jlong d2,
                                            jlong p2, jlong conv, jlong d3, jlong p3, jint requested,
                                            jintArray returned, jlongArray perf, jlong ws, jlong wsBytes) {
    algo_perf_t results[16];
    int count = 0;
    if (kind < 0 || kind > 2 || requested < 0 || requested > 16) return -1;
    memset(results, 0, sizeof results);
    status_t s = cudnn.FindAlgorithmEx[kind](H(h), H(d1), P(p1), H(d2), P(p2), H(conv), H(d3), P(p3), requested,
                                             &count, results, P(ws), (size_t)wsBytes);
    if (count < 0) count = 0;
    if (count > requested) count = requested;
    put_int(env, returned, count);
    put_perf(env, perf, results, count);
    return s;
}

EXPORT jint JNICALL FN(cudnnGetWorkspaceSize)(JNIEnv* env, jclass c, jint kind, jlong h, jlong d1, jlong d2,
                                              jlong conv, jlong d3, jint algo, jlongArray out) {
    size_t bytes = 0;
    if (kind < 0 || kind > 2) return -1;
    status_t s = cudnn.GetWorkspaceSize[kind](H(h), H(d1), H(d2), H(conv), H(d3), algo, &bytes);
    put_long(env, out, (jlong)bytes);
    return s;
}

/* Forward, backward data or backward filter. Scalars are double for DOUBLE tensors, else float (cuDNN API
 * Reference, "Scaling Parameters"); with raw set, alphaPtr and betaPtr are passed as they are. */
EXPORT jint JNICALL FN(cudnnConvolution)(JNIEnv* env, jclass c, jint kind, jlong h, jboolean doubles, jboolean raw,
                                         jdouble alpha, jlong alphaPtr, jlong d1, jlong p1, jlong d2, jlong p2,
                                         jlong conv, jint algo, jlong ws, jlong wsBytes, jdouble beta, jlong betaPtr,
                                         jlong d3, jlong p3) {
    scalar_t a, b;
    if (kind < 0 || kind > 2) return -1;
    const void* pa = raw ? P(alphaPtr) : scalar(&a, alpha, doubles);
    const void* pb = raw ? P(betaPtr) : scalar(&b, beta, doubles);
    return cudnn.Run[kind](H(h), pa, H(d1), P(p1), H(d2), P(p2), H(conv), algo, P(ws), (size_t)wsBytes, pb, H(d3),
                           P(p3));
}

EXPORT jint JNICALL FN(cudnnAddTensor)(JNIEnv* env, jclass c, jlong h, jboolean doubles, jdouble alpha, jlong aDesc,
                                       jlong A, jdouble beta, jlong cDesc, jlong C) {
    scalar_t a, b;
    return cudnn.AddTensor(H(h), scalar(&a, alpha, doubles), H(aDesc), P(A), scalar(&b, beta, doubles), H(cDesc),
                           P(C));
}

EXPORT jint JNICALL FN(cudnnBiasActivationForward)(JNIEnv* env, jclass c, jlong h, jboolean doubles, jdouble alpha1,
                                                   jlong xDesc, jlong x, jlong wDesc, jlong w, jlong conv, jint algo,
                                                   jlong ws, jlong wsBytes, jdouble alpha2, jlong zDesc, jlong z,
                                                   jlong biasDesc, jlong bias, jlong act, jlong yDesc, jlong y) {
    scalar_t a1, a2;
    return cudnn.BiasActivationForward(H(h), scalar(&a1, alpha1, doubles), H(xDesc), P(x), H(wDesc), P(w), H(conv),
                                       algo, P(ws), (size_t)wsBytes, scalar(&a2, alpha2, doubles), H(zDesc), P(z),
                                       H(biasDesc), P(bias), H(act), H(yDesc), P(y));
}
