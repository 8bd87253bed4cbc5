package org.rcnn4j.backend.cpu;

import org.rcnn4j.onednn.OneDnn;

/**
 * The CPU backend's F32 matmul (the Linear layers: a detector's box head) as one {@code dnnl_sgemm} call on
 * oneDNN's own threads, in a backend that runs its convolutions on oneDNN ({@link OneDnnConv}, -Drcnn4j.onednn).
 * With the convolutions there, the box head's products are the largest GEMMs left in Java; on 2 Zen 3 cores (AVX2)
 * oneDNN ran the demo box head's 256x256x3136 products about 3x faster than rcnn4j's GEMM (benchmarks/README.md,
 * "the demo on a real AVX2 CPU").
 *
 * <p>As the convolutions, each call runs on {@link GemmParallel#threads()} OpenMP threads, so every result bit is
 * fixed for a given machine and thread count. {@link CpuBackend#reference()} never comes here.
 */
final class OneDnnMatmul {
    private OneDnnMatmul() {
    }

    /**
     * c = op(a)·op(b), row-major: op(a) is m x k, stored m x k or, transposed, k x m; likewise op(b) k x n. c (m x n)
     * is overwritten. k = 0 leaves c as it is (the caller's zeros).
     */
    static void multiply(int m, int n, int k, float[] a, boolean transposeA, float[] b, boolean transposeB,
            float[] c) {
        if (m == 0 || n == 0 || k == 0) {
            return;
        }
        OneDnn.sgemm(transposeA, transposeB, m, n, k, 1f, a, 0, transposeA ? m : k, b, 0, transposeB ? k : n, 0f, c,
                0, n, GemmParallel.threads());
    }
}
