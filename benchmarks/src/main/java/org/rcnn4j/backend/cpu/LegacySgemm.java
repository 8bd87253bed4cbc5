package org.rcnn4j.backend.cpu;

import java.util.Arrays;

/**
 * The CPU GEMM's packing of B as main had it before issue 18's changes (strip by strip, each strip walking kc rows
 * of the source), kept here only so that {@link SgemmAB} can run old and new side by side in one JVM.
 */
final class LegacySgemm {
    private LegacySgemm() {
    }

    /** B [k x n] with element (k, j) at data[offset + k*rowStride + j]: the old strip-by-strip packer. */
    static SgemmDriver.PackB rowMajorB(float[] data, int offset, int rowStride) {
        return (k0, kc, j0, nc, nr, dst, off) -> {
            for (int t = 0; t * nr < nc; t++) {
                int cols = Math.min(nr, nc - t * nr);
                int base = off + t * nr * kc;
                int first = offset + k0 * rowStride + j0 + t * nr;
                if (cols < nr) {
                    Arrays.fill(dst, base, base + nr * kc, 0f);
                }
                for (int kk = 0; kk < kc; kk++) {
                    System.arraycopy(data, first + kk * rowStride, dst, base + kk * nr, cols);
                }
            }
        };
    }
}
