package org.rcnn4j.backend.cpu;

/**
 * F64 GEMM, C += A·B over strided operands (element (i, j) at data[offset + i*rowStride + j*colStride]). Kept
 * plain (row-parallel i-k-j loops): float64 serves gradient checks and reference computations, not speed.
 */
final class Dgemm {
    private Dgemm() {
    }

    static void multiply(int m, int n, int k, double[] a, int aOff, int aRs, int aCs, double[] b, int bOff, int bRs,
            int bCs, double[] c, int cOff, int ldc, boolean parallel) {
        if (m == 0 || n == 0 || k == 0) {
            return;
        }
        GemmParallel.forEach(m, parallel && (long) m * n * k > 32_768, i -> {
            int ci = cOff + i * ldc;
            for (int kk = 0; kk < k; kk++) {
                double aik = a[aOff + i * aRs + kk * aCs];
                int bk = bOff + kk * bRs;
                if (bCs == 1) {
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += aik * b[bk + j];
                    }
                } else {
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += aik * b[bk + j * bCs];
                    }
                }
            }
        });
    }
}
