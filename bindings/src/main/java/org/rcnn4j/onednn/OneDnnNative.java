package org.rcnn4j.onednn;

/**
 * The natives of rcnn4j's JNI binding of oneDNN (bindings/native/onednn_lib.c and onednn_conv.c,
 * librcnn4j_onednn.so). None
 * but {@link #open} may be called before open succeeded ({@link OneDnn} guards that).
 */
final class OneDnnNative {
    private OneDnnNative() {
    }

    /**
     * Opens the first loadable candidate, libgomp's idle spin set to {@code spinCount} iterations unless the
     * environment says how OpenMP threads wait (null: leave it alone); null on success (info: [file, version, commit
     * hash, CPU runtime, "threads" or null, "convolutions" or null, how idle OpenMP threads wait]), else why not.
     */
    static native String open(String[] candidates, String[] info, String spinCount);

    /** dnnl_sgemm on the arrays in place, after setting the calling thread's OpenMP thread count; its status. */
    static native int sgemm(boolean transA, boolean transB, long m, long n, long k, float alpha, float[] a, int aOff,
            long lda, float[] b, int bOff, long ldb, float beta, float[] c, int cOff, long ldc, int threads);

    /**
     * One convolution pass (0 forward: in0 = x, in1 = w, bias, out = y; 1 backward data: in0 = dy, in1 = w, out =
     * dx; 2 backward weights: in0 = x, in1 = dy, bias = db or null, out = dw) on the arrays in place, outputs
     * overwritten; its dnnl_status_t, -1 when an array could not be pinned, -2 without the convolution API.
     */
    static native int convolution(int pass, int[] geometry, float[] in0, float[] in1, float[] bias, float[] out,
            int threads);

    /** Bytes of convolution workspace that all threads hold together. */
    static native long workspaceBytes();

    /** Sets the size above which forward convolutions run in bands of output rows (tests); the previous one. */
    static native long bandBytes(long bytes);

    /** Frees the calling thread's convolution workspace. */
    static native void releaseWorkspace();

    /** omp_get_max_threads() of the calling thread, or -1 when oneDNN runs without OpenMP. */
    static native int maxThreads();
}
