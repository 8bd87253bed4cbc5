package org.rcnn4j.backend.cpu;

import java.util.Arrays;

/** Packers for strided F32 matrices: element (i, j) at data[offset + i*rowStride + j*colStride]. */
final class SgemmPack {
    private SgemmPack() {
    }

    /** A [m x k] for {@link SgemmDriver}; a transposed row-major matrix is rowStride 1, colStride its row length. */
    static StridedA a(float[] data, int offset, int rowStride, int colStride) {
        return new StridedA(data, offset, rowStride, colStride);
    }

    /**
     * A strided A operand: element (i, k) at data[offset + i*rowStride + k*colStride]. A record, so that a GEMM that
     * takes plain matrices (oneDNN's, {@link OneDnnGemm}) can read it in place instead of through its packer.
     */
    record StridedA(float[] data, int offset, int rowStride, int colStride) implements SgemmDriver.PackA {
        @Override
        public void pack(int i0, int mc, int k0, int kc, int mr, float[] dst, int off) {
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
        }
    }

    /**
     * {@code source} ([m x k]) packed once, for an A that multiplies many B's (a convolution's weights against every
     * image of a batch): the driver then copies whole strips instead of gathering element by element each time.
     * The buffer holds, per K block of {@link SgemmDriver#KC}, the strips of {@code mr} rows that
     * {@code source.pack(0, m, k0, kc, mr, buf, k0 * mPad)} writes; a request that does not line up with them
     * (another mr, a K block or row start off the grid) is packed from {@code source} as before.
     */
    static Prepacked prepacked(SgemmDriver.PackA source, int m, int k, int mr) {
        int mPad = GemmParallel.roundUp(m, mr);
        float[] buf = new float[Math.multiplyExact(mPad, k)];
        for (int k0 = 0; k0 < k; k0 += SgemmDriver.KC) {
            source.pack(0, m, k0, Math.min(SgemmDriver.KC, k - k0), mr, buf, k0 * mPad);
        }
        return new Prepacked(source, buf, m, k, mr, mPad);
    }

    /** {@link #prepacked}'s operand; {@link #source()} is the operand it packed. */
    record Prepacked(SgemmDriver.PackA source, float[] buf, int m, int k, int mr, int mPad)
            implements SgemmDriver.PackA {
        @Override
        public void pack(int i0, int mc, int k0, int kc, int mrReq, float[] dst, int off) {
            boolean aligned = mrReq == mr && i0 % mr == 0 && k0 % SgemmDriver.KC == 0
                    && kc == Math.min(SgemmDriver.KC, k - k0) && ((i0 + mc) % mr == 0 || i0 + mc == m);
            if (!aligned) {
                source.pack(i0, mc, k0, kc, mrReq, dst, off);
                return;
            }
            // strips start at k0 * mPad + strip * mr * kc: the rows i0 .. i0+mc are one contiguous run
            System.arraycopy(buf, k0 * mPad + i0 * kc, dst, off, (mc + mr - 1) / mr * mr * kc);
        }

        @Override
        public float[] packedWhole(int mrReq) {
            return mrReq == mr ? buf : null;
        }
    }

    /** B [k x n] for {@link SgemmDriver}; element (k, j) at data[offset + k*rowStride + j*colStride]. */
    static StridedB b(float[] data, int offset, int rowStride, int colStride) {
        return new StridedB(data, offset, rowStride, colStride);
    }

    /** A strided B operand: element (k, j) at data[offset + k*rowStride + j*colStride] (see {@link StridedA}). */
    record StridedB(float[] data, int offset, int rowStride, int colStride) implements SgemmDriver.PackB {
        /** Strips at least this wide are packed row by row ({@link #packRows}). */
        private static final int ROW_BY_ROW_FROM = 16;

        @Override
        public void pack(int k0, int kc, int j0, int nc, int nr, float[] dst, int off) {
            if (colStride == 1) {
                packRows(k0, kc, j0, nc, nr, null, dst, off);
                return;
            }
            for (int t = 0; t * nr < nc; t++) {
                int cols = Math.min(nr, nc - t * nr);
                int base = off + t * nr * kc;
                int first = offset + k0 * rowStride + (j0 + t * nr) * colStride;
                if (cols < nr) {
                    Arrays.fill(dst, base, base + nr * kc, 0f);
                }
                for (int jj = 0; jj < cols; jj++) {
                    int src = first + jj * colStride;
                    int d = base + jj;
                    for (int kk = 0; kk < kc; kk++, d += nr) {
                        dst[d] = data[src + kk * rowStride];
                    }
                }
            }
        }

        @Override
        public void packFor(SgemmKernel kernel, int k0, int kc, int j0, int nc, float[] dst, int off) {
            if (colStride == 1) {
                packRows(k0, kc, j0, nc, kernel.nr(), kernel, dst, off);
            } else {
                pack(k0, kc, j0, nc, kernel.nr(), dst, off);
            }
        }

        /** Rows of B contiguous, strip by strip: each strip's kc rows one after another. */
        private void packStrips(int k0, int kc, int j0, int nc, int nr, float[] dst, int off) {
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
        }

        /**
         * Rows of B contiguous (colStride 1): each source row's nc floats are read once, front to back, and dealt
         * out to the strips, whole strip rows by {@code kernel}'s copy when given. Strip by strip instead, every
         * strip walked kc rows a row stride apart, and a panel took about twice as long. Narrow strips (the scalar
         * kernel's 4 columns) keep the strip-by-strip order: dealing a row out to a hundred strips of four floats
         * was 10% slower there.
         */
        private void packRows(int k0, int kc, int j0, int nc, int nr, SgemmKernel kernel, float[] dst, int off) {
            if (nr < ROW_BY_ROW_FROM) {
                packStrips(k0, kc, j0, nc, nr, dst, off);
                return;
            }
            int full = nc / nr;
            int rest = nc - full * nr;
            int stripSize = nr * kc;
            for (int kk = 0; kk < kc; kk++) {
                int src = offset + (k0 + kk) * rowStride + j0;
                int d = off + kk * nr;
                if (kernel != null) {
                    for (int t = 0; t < full; t++, src += nr, d += stripSize) {
                        kernel.copyStripRow(data, src, dst, d);
                    }
                } else {
                    for (int t = 0; t < full; t++, src += nr, d += stripSize) {
                        System.arraycopy(data, src, dst, d, nr);
                    }
                }
                if (rest > 0) {
                    System.arraycopy(data, src, dst, d, rest);
                    Arrays.fill(dst, d + rest, d + nr, 0f);
                }
            }
        }
    }
}
