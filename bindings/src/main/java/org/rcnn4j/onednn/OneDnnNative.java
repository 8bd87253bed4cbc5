package org.rcnn4j.onednn;

/**
 * The natives of rcnn4j's JNI binding of oneDNN's sgemm (bindings/native/onednn_lib.c, librcnn4j_onednn.so). None
 * but {@link #open} may be called before open succeeded ({@link OneDnn} guards that).
 */
final class OneDnnNative {
    private OneDnnNative() {
    }

    /**
     * Opens the first loadable candidate; null on success (info: [file, version, commit hash, CPU runtime,
     * "threads" or null]), else why not.
     */
    static native String open(String[] candidates, String[] info);

    /** dnnl_sgemm on the arrays in place, after setting the calling thread's OpenMP thread count; its status. */
    static native int sgemm(boolean transA, boolean transB, long m, long n, long k, float alpha, float[] a, int aOff,
            long lda, float[] b, int bOff, long ldb, float beta, float[] c, int cOff, long ldc, int threads);

    /** omp_get_max_threads() of the calling thread, or -1 when oneDNN runs without OpenMP. */
    static native int maxThreads();
}
