package org.rcnn4j.backend.cuda;

/**
 * Which of NVIDIA's libraries the CUDA backend uses where they are present, and how (the switches PyTorch has as
 * torch.backends.cudnn.enabled, .allow_tf32 and .deterministic, and torch.backends.cuda.matmul.allow_tf32, with
 * the same defaults):
 *
 * @param cudnn conv2d and its gradients through cuDNN (system property {@value #CUDNN}, default true); false
 *     selects rcnn4j's own conv2d.cu
 * @param cublas matmul through cuBLAS ({@value #CUBLAS}, default true); false selects rcnn4j's own gemm.cu
 * @param cudnnTf32 FP32 convolutions may use TF32 tensor cores ({@value #CUDNN_TF32}, default true as in torch)
 * @param cublasTf32 FP32 matmul may use TF32 tensor cores ({@value #CUBLAS_TF32}, default false as in torch since
 *     1.12)
 * @param deterministic cuDNN algorithms that give the same bits run to run only ({@value #DETERMINISTIC}, default
 *     false), for repeatable training
 * @param benchmark cuDNN's algorithm for each new problem is the fastest of a timed search on the device
 *     (cudnnFind*AlgorithmEx; {@value #BENCHMARK}, default false as torch.backends.cudnn.benchmark), else the first
 *     of cuDNN's heuristics (cudnnGet*Algorithm_v7); either way the choice is cached per problem
 */
public record CudaLibraryOptions(boolean cudnn, boolean cublas, boolean cudnnTf32, boolean cublasTf32,
        boolean deterministic, boolean benchmark) {
    public static final String CUDNN = "rcnn4j.cudnn";
    public static final String CUBLAS = "rcnn4j.cublas";
    public static final String CUDNN_TF32 = "rcnn4j.cudnn.allowTf32";
    public static final String CUBLAS_TF32 = "rcnn4j.cublas.allowTf32";
    public static final String DETERMINISTIC = "rcnn4j.cudnn.deterministic";
    public static final String BENCHMARK = "rcnn4j.cudnn.benchmark";

    /** The defaults, overridden by the system properties named above. */
    public static CudaLibraryOptions fromSystemProperties() {
        return new CudaLibraryOptions(flag(CUDNN, true), flag(CUBLAS, true), flag(CUDNN_TF32, true),
                flag(CUBLAS_TF32, false), flag(DETERMINISTIC, false), flag(BENCHMARK, false));
    }

    /** rcnn4j's own kernels for everything. */
    public static CudaLibraryOptions ownKernels() {
        return new CudaLibraryOptions(false, false, false, false, false, false);
    }

    public CudaLibraryOptions withCudnnTf32(boolean allow) {
        return new CudaLibraryOptions(cudnn, cublas, allow, cublasTf32, deterministic, benchmark);
    }

    public CudaLibraryOptions withCublasTf32(boolean allow) {
        return new CudaLibraryOptions(cudnn, cublas, cudnnTf32, allow, deterministic, benchmark);
    }

    public CudaLibraryOptions withDeterministic(boolean only) {
        return new CudaLibraryOptions(cudnn, cublas, cudnnTf32, cublasTf32, only, benchmark);
    }

    public CudaLibraryOptions withBenchmark(boolean search) {
        return new CudaLibraryOptions(cudnn, cublas, cudnnTf32, cublasTf32, deterministic, search);
    }

    private static boolean flag(String property, boolean fallback) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "on", "1" -> true;
            case "false", "off", "0" -> false;
            default -> throw new IllegalArgumentException("-D" + property + ": expected true or false, got '" + v
                    + "'");
        };
    }
}
