/*
 * rcnn4j's JNI binding of oneDNN (Java side: org.rcnn4j.onednn.OneDnnNative, used by OneDnn), the CPU backend's
 * optional float32 accelerator: opening the library and its sgemm here, its convolutions in onednn_conv.c.
 *
 * Nothing of oneDNN's is linked or included: libdnnl.so.3 or .so.2 is dlopen'ed at run time from the names the Java
 * side passes, and the prototypes used are written out in onednn_api.h from oneDNN's C API reference. dnnl_sgemm and
 * dnnl_version are the same in 2.x and 3.x; the convolution functions, optional, are looked up under both versions'
 * names. A library or symbol that is missing is reported as a string, never a crash.
 *
 * Threads: oneDNN sizes its parallel regions by omp_get_max_threads() of the calling thread when it was built with
 * OpenMP (Debian's build is), and that value is per thread in libgomp. Every call therefore sets it to the thread
 * count the Java side asks for before calling sgemm, so that oneDNN's threads follow rcnn4j's CPU thread count and
 * its work split (hence its summation order) is fixed for a given count.
 *
 * Idle threads: after a parallel region libgomp's threads spin, by default for 300,000 iterations, before they
 * sleep. rcnn4j's own Java threads (the fork/join pool) run on the same cores between oneDNN's calls, and a spinning
 * OpenMP thread holds the core they need next; each then waits for the other's time slice. So open sets a shorter
 * spin (GOMP_SPINCOUNT, read once by libgomp when it loads) unless the user's environment says how to wait, and
 * takes it out of the environment again once the library is loaded.
 */
#define _GNU_SOURCE /* RTLD_NOLOAD */
#include <dlfcn.h>
#include <jni.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "dl_open.h"
#include "onednn_api.h"

#define EXPORT __attribute__((visibility("default")))
#define FN(name) Java_org_rcnn4j_onednn_OneDnnNative_##name

rcnn4j_dnnl_t rcnn4j_dnnl;
#define dnnl rcnn4j_dnnl

/* What the library opened has, found once by open (0 before). */
static int convolution_api;
static int views;

/* Which convolution API the functions found make up in full: 2 or 3 (the library's major version), or 0. */
static int find_convolution_api(void) {
    int common = dnnl.engine_create && dnnl.stream_create && dnnl.stream_wait && dnnl.stream_destroy
                 && dnnl.memory_desc_equal && dnnl.memory_desc_get_size && dnnl.memory_create && dnnl.memory_destroy
                 && dnnl.attr_create && dnnl.attr_destroy && dnnl.attr_set_scratchpad_mode
                 && dnnl.primitive_desc_destroy && dnnl.primitive_desc_query_md && dnnl.reorder_primitive_desc_create
                 && dnnl.primitive_create && dnnl.primitive_destroy && dnnl.primitive_execute;
    if (!common) {
        return 0;
    }
    const dnnl_version_t* v = dnnl.version();
    if (v->major == 2 && dnnl.memory_desc_init_by_tag && dnnl.conv_forward_desc_init
        && dnnl.conv_backward_data_desc_init && dnnl.conv_backward_weights_desc_init && dnnl.primitive_desc_create) {
        return 2;
    }
    if (v->major == 3 && dnnl.memory_desc_create_with_tag && dnnl.memory_desc_destroy && dnnl.conv_forward_pd_create
        && dnnl.conv_backward_data_pd_create && dnnl.conv_backward_weights_pd_create) {
        return 3;
    }
    return 0;
}

int rcnn4j_dnnl_convolution_api(void) {
    return convolution_api;
}

int rcnn4j_dnnl_has_views(void) {
    return views;
}

void rcnn4j_dnnl_use_threads(int threads) {
    if (dnnl.omp_set_num_threads != NULL && dnnl.omp_get_max_threads != NULL && threads > 0
        && dnnl.omp_get_max_threads() != threads) {
        dnnl.omp_set_num_threads(threads);
    }
}

static const char* runtime_name(unsigned r) {
    switch (r) {
        case 1: return "sequential";
        case 2: return "OpenMP";
        case 4: return "TBB";
        case 8: return "threadpool";
        default: return "unknown";
    }
}

/*
 * Puts GOMP_SPINCOUNT=spin into the environment for libgomp to read when it loads with the library, unless the
 * environment already has OMP_WAIT_POLICY or GOMP_SPINCOUNT, spin is null, or libgomp is loaded already (then it
 * has read its settings). Writes how idle OpenMP threads will wait into out; returns whether it set the variable.
 */
static int set_spin_count(JNIEnv* env, jstring spin, char* out, size_t n) {
    const char* policy = getenv("OMP_WAIT_POLICY");
    const char* count = getenv("GOMP_SPINCOUNT");
    if (policy != NULL || count != NULL) {
        snprintf(out, n, "%s%s%s%s%s from the environment", policy ? "OMP_WAIT_POLICY=" : "", policy ? policy : "",
                 policy && count ? ", " : "", count ? "GOMP_SPINCOUNT=" : "", count ? count : "");
        return 0;
    }
    if (spin == NULL) {
        snprintf(out, n, "the OpenMP runtime's default");
        return 0;
    }
    void* gomp = dlopen("libgomp.so.1", RTLD_LAZY | RTLD_NOLOAD);
    if (gomp != NULL) {
        dlclose(gomp);
        snprintf(out, n, "libgomp's default (libgomp was loaded before oneDNN)");
        return 0;
    }
    const char* text = (*env)->GetStringUTFChars(env, spin, NULL);
    if (text == NULL) {
        snprintf(out, n, "the OpenMP runtime's default");
        return 0;
    }
    int set = setenv("GOMP_SPINCOUNT", text, 1) == 0;
    snprintf(out, n, set ? "GOMP_SPINCOUNT=%s" : "the OpenMP runtime's default (setenv failed)", text);
    (*env)->ReleaseStringUTFChars(env, spin, text);
    return set;
}

/*
 * Opens the first candidate that loads and exports dnnl_sgemm and dnnl_version, with libgomp's idle spin set to
 * spin iterations (see set_spin_count; null leaves it alone). On success fills info with [file loaded,
 * "major.minor.patch", commit hash, CPU runtime, "threads" when the thread count can be set, else null,
 * "convolutions" when the convolution API of its major version is there in full, else null, how idle OpenMP
 * threads wait] and returns null; on failure returns why (every candidate's dlerror, or the missing symbol).
 */
EXPORT jstring JNICALL FN(open)(JNIEnv* env, jclass c, jobjectArray candidates, jobjectArray info, jstring spin) {
    symbol_t symbols[] = {
        SYM(dnnl, sgemm, "dnnl_sgemm"),
        SYM(dnnl, version, "dnnl_version"),
        /* libgomp's, found through the library's own dependencies when oneDNN links it */
        OPT(dnnl, omp_set_num_threads, "omp_set_num_threads"),
        OPT(dnnl, omp_get_max_threads, "omp_get_max_threads"),
        /* convolutions: the functions both versions have */
        OPT(dnnl, engine_create, "dnnl_engine_create"),
        OPT(dnnl, stream_create, "dnnl_stream_create"),
        OPT(dnnl, stream_wait, "dnnl_stream_wait"),
        OPT(dnnl, stream_destroy, "dnnl_stream_destroy"),
        OPT(dnnl, memory_desc_equal, "dnnl_memory_desc_equal"),
        OPT(dnnl, memory_desc_get_size, "dnnl_memory_desc_get_size"),
        OPT(dnnl, memory_create, "dnnl_memory_create"),
        OPT(dnnl, memory_destroy, "dnnl_memory_destroy"),
        OPT(dnnl, attr_create, "dnnl_primitive_attr_create"),
        OPT(dnnl, attr_destroy, "dnnl_primitive_attr_destroy"),
        OPT(dnnl, attr_set_scratchpad_mode, "dnnl_primitive_attr_set_scratchpad_mode"),
        OPT(dnnl, primitive_desc_destroy, "dnnl_primitive_desc_destroy"),
        OPT(dnnl, primitive_desc_query_md, "dnnl_primitive_desc_query_md"),
        OPT(dnnl, reorder_primitive_desc_create, "dnnl_reorder_primitive_desc_create"),
        OPT(dnnl, primitive_create, "dnnl_primitive_create"),
        OPT(dnnl, primitive_destroy, "dnnl_primitive_destroy"),
        OPT(dnnl, primitive_execute, "dnnl_primitive_execute"),
        /* 2.x's descriptors */
        OPT(dnnl, memory_desc_init_by_tag, "dnnl_memory_desc_init_by_tag"),
        OPT(dnnl, memory_desc_init_by_strides, "dnnl_memory_desc_init_by_strides"),
        OPT(dnnl, conv_forward_desc_init, "dnnl_dilated_convolution_forward_desc_init"),
        OPT(dnnl, conv_backward_data_desc_init, "dnnl_dilated_convolution_backward_data_desc_init"),
        OPT(dnnl, conv_backward_weights_desc_init, "dnnl_dilated_convolution_backward_weights_desc_init"),
        OPT(dnnl, primitive_desc_create, "dnnl_primitive_desc_create"),
        /* 3.x's */
        OPT(dnnl, memory_desc_create_with_tag, "dnnl_memory_desc_create_with_tag"),
        OPT(dnnl, memory_desc_create_with_strides, "dnnl_memory_desc_create_with_strides"),
        OPT(dnnl, memory_desc_destroy, "dnnl_memory_desc_destroy"),
        OPT(dnnl, conv_forward_pd_create, "dnnl_convolution_forward_primitive_desc_create"),
        OPT(dnnl, conv_backward_data_pd_create, "dnnl_convolution_backward_data_primitive_desc_create"),
        OPT(dnnl, conv_backward_weights_pd_create, "dnnl_convolution_backward_weights_primitive_desc_create"),
    };
    char path[1024];
    char waiting[160];
    int spin_set = set_spin_count(env, spin, waiting, sizeof waiting);
    jstring why = rcnn4j_open_first(env, candidates, symbols, sizeof symbols / sizeof symbols[0], &dnnl.lib, path,
                                    sizeof path);
    if (spin_set) {
        unsetenv("GOMP_SPINCOUNT");
    }
    if (why != NULL) {
        return why;
    }
    convolution_api = find_convolution_api();
    views = convolution_api == 3 ? dnnl.memory_desc_create_with_strides != NULL
          : convolution_api == 2 && dnnl.memory_desc_init_by_strides != NULL;
    const dnnl_version_t* v = dnnl.version();
    char text[64];
    snprintf(text, sizeof text, "%d.%d.%d", v->major, v->minor, v->patch);
    (*env)->SetObjectArrayElement(env, info, 0, (*env)->NewStringUTF(env, path));
    (*env)->SetObjectArrayElement(env, info, 1, (*env)->NewStringUTF(env, text));
    (*env)->SetObjectArrayElement(env, info, 2, (*env)->NewStringUTF(env, v->hash ? v->hash : "unknown"));
    (*env)->SetObjectArrayElement(env, info, 3, (*env)->NewStringUTF(env, runtime_name(v->cpu_runtime)));
    int threads = v->cpu_runtime == 1
                  || (v->cpu_runtime == 2 && dnnl.omp_set_num_threads && dnnl.omp_get_max_threads);
    (*env)->SetObjectArrayElement(env, info, 4, threads ? (*env)->NewStringUTF(env, "threads") : NULL);
    (*env)->SetObjectArrayElement(env, info, 5,
                                  rcnn4j_dnnl_convolution_api() ? (*env)->NewStringUTF(env, "convolutions") : NULL);
    (*env)->SetObjectArrayElement(env, info, 6, (*env)->NewStringUTF(env, waiting));
    return NULL;
}

/*
 * C[cOff..] = alpha * op(A) * op(B) + beta * C, row-major, on the Java arrays themselves (pinned, not copied, while
 * oneDNN runs: GetPrimitiveArrayCritical). The Java side has checked every extent. Returns dnnl_status_t.
 */
EXPORT jint JNICALL FN(sgemm)(JNIEnv* env, jclass c, jboolean transA, jboolean transB, jlong m, jlong n, jlong k,
                              jfloat alpha, jfloatArray a, jint aOff, jlong lda, jfloatArray b, jint bOff, jlong ldb,
                              jfloat beta, jfloatArray cArr, jint cOff, jlong ldc, jint threads) {
    rcnn4j_dnnl_use_threads(threads);
    float* pc = (*env)->GetPrimitiveArrayCritical(env, cArr, NULL);
    float* pa = pc == NULL ? NULL : (*env)->GetPrimitiveArrayCritical(env, a, NULL);
    float* pb = pa == NULL ? NULL : (*env)->GetPrimitiveArrayCritical(env, b, NULL);
    if (pb == NULL) {
        if (pa != NULL) (*env)->ReleasePrimitiveArrayCritical(env, a, pa, JNI_ABORT);
        if (pc != NULL) (*env)->ReleasePrimitiveArrayCritical(env, cArr, pc, JNI_ABORT);
        return -1; /* out of memory: an OutOfMemoryError is pending */
    }
    dnnl_status_t s = dnnl.sgemm(transA ? 'T' : 'N', transB ? 'T' : 'N', m, n, k, alpha, pa + aOff, lda, pb + bOff,
                                 ldb, beta, pc + cOff, ldc);
    (*env)->ReleasePrimitiveArrayCritical(env, b, pb, JNI_ABORT);
    (*env)->ReleasePrimitiveArrayCritical(env, a, pa, JNI_ABORT);
    (*env)->ReleasePrimitiveArrayCritical(env, cArr, pc, 0);
    return s;
}

/* omp_get_max_threads() of the calling thread, or -1 without OpenMP: lets tests see that the count follows. */
EXPORT jint JNICALL FN(maxThreads)(JNIEnv* env, jclass c) {
    return dnnl.omp_get_max_threads != NULL ? dnnl.omp_get_max_threads() : -1;
}
