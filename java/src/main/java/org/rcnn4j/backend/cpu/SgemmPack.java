package org.rcnn4j.backend.cpu;

import java.util.Arrays;

/** Packers for strided F32 matrices: element (i, j) at data[offset + i*rowStride + j*colStride]. */
final class SgemmPack {
    private SgemmPack() {
    }

    /** A [m x k] for {@link SgemmDriver}; a transposed row-major matrix is rowStride 1, colStride its row length. */
    static SgemmDriver.PackA a(float[] data, int offset, int rowStride, int colStride) {
        return (i0, mc, k0, kc, mr, dst, off) -> {
            for (int s = 0; s * mr < mc; s++) {
                int rows = Math.min(mr, mc - s * mr);
                int base = off + s * mr * kc;
                int first = offset + (i0 + s * mr) * rowStride + k0 * colStride;
                if (rows < mr) {
                    Arrays.fill(dst, base, base + mr * kc, 0f);
                }
                if (rowStride == 1) {
                    // the strip's rows are adjacent in memory: one short copy per k
                    for (int kk = 0; kk < kc; kk++) {
                        System.arraycopy(data, first + kk * colStride, dst, base + kk * mr, rows);
                    }
                } else {
                    for (int ii = 0; ii < rows; ii++) {
                        int src = first + ii * rowStride;
                        int d = base + ii;
                        for (int kk = 0; kk < kc; kk++, d += mr) {
                            dst[d] = data[src + kk * colStride];
                        }
                    }
                }
            }
        };
    }

    /** B [k x n] for {@link SgemmDriver}; element (k, j) at data[offset + k*rowStride + j*colStride]. */
    static SgemmDriver.PackB b(float[] data, int offset, int rowStride, int colStride) {
        return (k0, kc, j0, nc, nr, dst, off) -> {
            for (int t = 0; t * nr < nc; t++) {
                int cols = Math.min(nr, nc - t * nr);
                int base = off + t * nr * kc;
                int first = offset + k0 * rowStride + (j0 + t * nr) * colStride;
                if (cols < nr) {
                    Arrays.fill(dst, base, base + nr * kc, 0f);
                }
                if (colStride == 1) {
                    for (int kk = 0; kk < kc; kk++) {
                        System.arraycopy(data, first + kk * rowStride, dst, base + kk * nr, cols);
                    }
                } else {
                    for (int jj = 0; jj < cols; jj++) {
                        int src = first + jj * colStride;
                        int d = base + jj;
                        for (int kk = 0; kk < kc; kk++, d += nr) {
                            dst[d] = data[src + kk * rowStride];
                        }
                    }
                }
            }
        };
    }
}
