package org.rcnn4j.cuda;

/**
 * The natives of rcnn4j's JNI binding of cuBLAS and cuDNN (bindings/native/nvidia_libs.c, librcnn4j_nvidia.so).
 * Every call returns the library's status code unchanged; {@link Cublas} and {@link Cudnn} check them. Handles,
 * descriptors and device addresses travel as longs. None of these may be called before the matching open
 * succeeded ({@link NvidiaLibraries} guards that).
 */
final class NvidiaNative {
    private NvidiaNative() {
    }

    /** Opens the first loadable candidate; null on success (info: [path, "stand-in" or null]), else why not. */
    static native String openCublas(String[] candidates, String[] info);

    static native String openCudnn(String[] candidates, String[] info);

    /** The address a JCuda pointer object stands for (native pointer plus a Pointer's byte offset). */
    static native long address(Object nativePointerObject);

    // ---- cuBLAS ----

    static native int cublasCreate(long[] handle);

    static native int cublasDestroy(long handle);

    static native int cublasSetStream(long handle, long stream);

    static native int cublasGetVersion(long handle, int[] version);

    static native int cublasSetMathMode(long handle, int mode);

    static native int cublasSetPointerMode(long handle, int mode);

    static native int cublasSetWorkspace(long handle, long workspace, long bytes);

    /** With raw set, alphaPtr and betaPtr are passed as they are instead of addresses of alpha and beta. */
    static native int cublasGemmEx(long handle, int opA, int opB, int m, int n, int k, boolean raw, double alpha,
            long alphaPtr, long a, int aType, int lda, long b, int bType, int ldb, double beta, long betaPtr, long c,
            int cType, int ldc, int computeType, int algo);

    static native int cublasGemmStridedBatchedEx(long handle, int opA, int opB, int m, int n, int k, double alpha,
            long a, int aType, int lda, long strideA, long b, int bType, int ldb, long strideB, double beta, long c,
            int cType, int ldc, long strideC, int batch, int computeType, int algo);

    /** cublasGetStatusString's name for the status and the stand-in's detail, or null. */
    static native String cublasDescribe(int status);

    // ---- cuDNN ----

    static native long cudnnGetVersion();

    /** cudnnGetErrorString, then cudnnGetLastErrorString's message (cuDNN 9) when there is one. */
    static native String cudnnDescribe(int status);

    static native int cudnnCreate(long[] handle);

    static native int cudnnDestroy(long handle);

    static native int cudnnSetStream(long handle, long stream);

    /** kind: 0 tensor, 1 filter, 2 convolution, 3 activation. */
    static native int cudnnCreateDescriptor(int kind, long[] descriptor);

    static native int cudnnDestroyDescriptor(int kind, long descriptor);

    static native int cudnnSetTensor4d(long descriptor, int format, int dataType, int n, int c, int h, int w);

    static native int cudnnSetTensorNd(long descriptor, int dataType, int[] dims, int[] strides);

    static native int cudnnSetFilter4d(long descriptor, int dataType, int format, int k, int c, int h, int w);

    static native int cudnnSetConvolution2d(long descriptor, int padH, int padW, int strideH, int strideW,
            int dilationH, int dilationW, int mode, int computeType);

    static native int cudnnSetConvolutionGroupCount(long descriptor, int groups);

    static native int cudnnSetConvolutionMathType(long descriptor, int mathType);

    static native int cudnnSetActivation(long descriptor, int mode, int nanOpt, double coef);

    static native int cudnnGetForwardOutputDim(long conv, long x, long w, int[] nchw);

    /** kind 0 forward (x, w, conv, y), 1 backward data (w, dy, conv, dx), 2 backward filter (x, dy, conv, dw). */
    static native int cudnnGetAlgorithms(int kind, long handle, long d1, long d2, long conv, long d3, int requested,
            int[] returned, long[] perf);

    /**
     * cudnnFind*AlgorithmEx of {@code kind} (0 forward, 1 backward data, 2 backward filter): each descriptor with its
     * data pointer in the binding's order, the output (p3) overwritten; perf as for {@link #cudnnGetAlgorithms}.
     */
    static native int cudnnFindAlgorithms(int kind, long handle, long d1, long p1, long d2, long p2, long conv, long d3,
            long p3, int requested, int[] returned, long[] perf, long workspace, long workspaceBytes);

    static native int cudnnGetWorkspaceSize(int kind, long handle, long d1, long d2, long conv, long d3, int algo,
            long[] bytes);

    /** Forward, backward data or backward filter: (a, D1, P1, D2, P2, conv, algo, ws, wsBytes, b, D3, P3). */
    static native int cudnnConvolution(int kind, long handle, boolean doubles, boolean raw, double alpha,
            long alphaPtr, long d1, long p1, long d2, long p2, long conv, int algo, long workspace, long workspaceBytes,
            double beta, long betaPtr, long d3, long p3);

    static native int cudnnAddTensor(long handle, boolean doubles, double alpha, long aDesc, long a, double beta,
            long cDesc, long c);

    static native int cudnnBiasActivationForward(long handle, boolean doubles, double alpha1, long xDesc, long x,
            long wDesc, long w, long conv, int algo, long workspace, long workspaceBytes, double alpha2, long zDesc,
            long z, long biasDesc, long bias, long activation, long yDesc, long y);
}
