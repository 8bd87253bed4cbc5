package org.rcnn4j.backend.cpu;

import org.rcnn4j.onednn.OneDnn;

/**
 * The CPU backend's F32 GEMM through oneDNN's {@code dnnl_sgemm} ({@link OneDnn}), an optional accelerator chosen
 * by system property {@value #PROPERTY}: {@code false} (the default: rcnn4j's own {@link SgemmDriver}, the
 * reference), {@code auto} (oneDNN where it loads, else rcnn4j's) or {@code true} (oneDNN, and an error naming
 * what is missing where it does not load).
 *
 * <p>It takes the driver's operands as they come: strided matrices ({@link SgemmPack.StridedA}/{@code B}) are read
 * in place; any other operand (an im2col view of an image, a batch's {@link ChannelRows}) is materialized through
 * its own packer, which writes a row-major block when asked for one strip as wide as the block, in blocks of at
 * most {@link #BLOCK_FLOATS} floats, so that memory stays bounded whatever the image. Tiles for a
 * {@link SgemmDriver.TileSink} (col2im, a batch's output rows) go through a block of C and then to the sink.
 *
 * <p>Every oneDNN call runs single-threaded on a block of the product, the blocks on rcnn4j's own threads (the
 * common pool and the caller, {@link GemmParallel#threads()}), as the packing around them. Results are
 * deterministic for a given machine and thread count: the blocks depend only on the sizes and the thread count,
 * and a single-threaded oneDNN call only on its block.
 */
final class OneDnnGemm {
    /** System property: auto, true or false (default false). */
    static final String PROPERTY = "rcnn4j.onednn.gemm";
    /** Largest operand block materialized at once (floats, per block of A, B and C: 8 MB each). */
    static final int BLOCK_FLOATS = 1 << 21;
    /** Deepest K block when an operand is materialized. */
    static final int MAX_KB = 4096;
    static final OneDnnSwitch SWITCH = new OneDnnSwitch(PROPERTY, "false", "rcnn4j's own GEMM", s -> true);

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[3][0]);

    private OneDnnGemm() {
    }

    /**
     * Whether F32 GEMMs go to oneDNN: the property, resolved on first use.
     *
     * @throws IllegalStateException when the property is true and oneDNN does not load, or it is not one of
     *     auto/true/false
     */
    static boolean enabled() {
        return SWITCH.enabled();
    }

    /**
     * For the backend's description: where the GEMM left in Java runs. Which oneDNN loaded (or why none) the
     * convolutions' clause before it already says.
     */
    static String describe() {
        String v = SWITCH.setting();
        boolean on;
        try {
            on = enabled();
        } catch (RuntimeException e) {
            return "oneDNN: " + e.getMessage();
        }
        if (on) {
            return "F32 GEMM on oneDNN's sgemm, single-threaded blocks on " + GemmParallel.threads() + " threads";
        }
        return "F32 GEMM in Java (-D" + PROPERTY + "=" + v + ")";
    }

    /**
     * C[cOff + i*ldc + j] += (A·B)[i][j] when {@code sink} is null, else the same product added into the sink.
     * With {@code rowSink} the sink's rows group into runs of {@code rowAlign} that two threads must not enter at
     * once (col2im: the taps of one channel), so the work splits along M in bands aligned to them; otherwise (a
     * plain C, or a sink whose destination follows the column) along N.
     *
     * <p>Each block is one single-threaded oneDNN call on one of rcnn4j's tasks: the fork/join pool balances the
     * blocks across the cores (OpenMP's static split stalled on cores shared with other processes), and the
     * blocking, hence every bit of the result, is fixed for a given thread count.
     */
    static void multiply(int m, int n, int k, SgemmDriver.PackA a, SgemmDriver.PackB b, float[] c, int cOff,
            int ldc, SgemmDriver.TileSink sink, int rowAlign, boolean rowSink, boolean parallel) {
        if (m == 0 || n == 0 || k == 0) {
            return;
        }
        int threads = parallel ? GemmParallel.threads() : 1;
        SgemmDriver.PackA source = a instanceof SgemmPack.Prepacked p ? p.source() : a;
        Plain pa = source instanceof SgemmPack.StridedA s ? Plain.ofA(s, m, k) : null;
        Plain pb = b instanceof SgemmPack.StridedB s ? Plain.ofB(s, k, n) : null;
        if (pa == null) {
            // one strip of m rows: element (i, kk) at kk*m + i, i.e. A stored transposed; shared by every task
            float[] whole = new float[Math.multiplyExact(m, k)];
            packA(source, m, k, whole, parallel);
            pa = new Plain(whole, 0, m, true, 1, m);
        }
        if (sink != null && rowSink) {
            if (pb == null) {
                float[] whole = new float[Math.multiplyExact(k, n)];
                packB(b, 0, k, 0, n, whole, parallel);
                pb = new Plain(whole, 0, n, false, n, 1);
            }
            byRowBands(m, n, k, pa, pb, sink, Math.max(1, rowAlign), threads, parallel);
            return;
        }
        int kb = pb != null ? k : Math.min(k, MAX_KB);
        int cap = Math.max(16, BLOCK_FLOATS / Math.max(pb != null ? 1 : kb, sink == null ? 1 : m));
        int nb = Math.min(cap, Math.max(64, GemmParallel.blockSize(n, 16, threads, cap)));
        Plain fa = pa;
        Plain fb = pb;
        GemmParallel.forEach((n + nb - 1) / nb, parallel, t -> {
            int j0 = t * nb;
            int cols = Math.min(nb, n - j0);
            float[][] scratch = SCRATCH.get();
            float[] bBuf = fb == null ? grow(scratch, 1, Math.multiplyExact(kb, cols)) : null;
            float[] cBuf = sink != null ? grow(scratch, 2, Math.multiplyExact(m, cols)) : null;
            for (int k0 = 0; k0 < k; k0 += kb) {
                int kc = Math.min(kb, k - k0);
                boolean transB = false;
                float[] bData = bBuf;
                int bOff = 0;
                int ldb = cols;
                if (fb != null) {
                    transB = fb.trans;
                    bData = fb.data;
                    bOff = fb.offset(k0, j0);
                    ldb = fb.ld;
                } else {
                    packB(b, k0, kc, j0, cols, bBuf, false);
                }
                if (sink == null) {
                    OneDnn.sgemm(fa.trans, transB, m, cols, kc, 1f, fa.data, fa.offset(0, k0), fa.ld, bData, bOff,
                            ldb, 1f, c, cOff + j0, ldc, 1);
                } else {
                    OneDnn.sgemm(fa.trans, transB, m, cols, kc, 1f, fa.data, fa.offset(0, k0), fa.ld, bData, bOff,
                            ldb, k0 == 0 ? 0f : 1f, cBuf, 0, cols, 1);
                }
            }
            if (sink != null) {
                sink.add(0, j0, m, cols, cBuf, 0, cols);
            }
        });
    }

    /** Bands of rows (multiples of rowAlign) side by side, each through the sink in blocks of columns. */
    private static void byRowBands(int m, int n, int k, Plain pa, Plain pb, SgemmDriver.TileSink sink, int rowAlign,
            int threads, boolean parallel) {
        int band = GemmParallel.blockSize(m, rowAlign, threads, m);
        int nb = Math.min(n, Math.max(16, BLOCK_FLOATS / band));
        GemmParallel.forEach((m + band - 1) / band, parallel, t -> {
            int i0 = t * band;
            int rows = Math.min(band, m - i0);
            float[] cBuf = grow(SCRATCH.get(), 2, Math.multiplyExact(rows, nb));
            for (int j0 = 0; j0 < n; j0 += nb) {
                int cols = Math.min(nb, n - j0);
                OneDnn.sgemm(pa.trans, pb.trans, rows, cols, k, 1f, pa.data, pa.offset(i0, 0), pa.ld, pb.data,
                        pb.offset(0, j0), pb.ld, 0f, cBuf, 0, cols, 1);
                sink.add(i0, j0, rows, cols, cBuf, 0, cols);
            }
        });
    }

    /** Rows 0..m of A over all of K into buf as k x m (one strip of m rows), K split across threads. */
    private static void packA(SgemmDriver.PackA a, int m, int k, float[] buf, boolean parallel) {
        int part = Math.max(1, Math.min(k, 256));
        GemmParallel.forEach((k + part - 1) / part, parallel && (long) m * k > 65_536, t -> {
            int s = t * part;
            a.pack(0, m, s, Math.min(part, k - s), m, buf, s * m);
        });
    }

    /** B over K [k0, k0+kc) and columns [j0, j0+nc) into buf as a row-major kc x nc block, K split across threads. */
    private static void packB(SgemmDriver.PackB b, int k0, int kc, int j0, int nc, float[] buf, boolean parallel) {
        int part = Math.max(1, Math.min(kc, 64));
        GemmParallel.forEach((kc + part - 1) / part, parallel && (long) nc * kc > 65_536, t -> {
            int s = t * part;
            b.pack(k0 + s, Math.min(part, kc - s), j0, nc, nc, buf, s * nc);
        });
    }

    private static float[] grow(float[][] scratch, int which, int size) {
        if (scratch[which].length < size) {
            scratch[which] = new float[size];
        }
        return scratch[which];
    }

    /**
     * A strided operand as oneDNN's row-major matrix: stored as is (element (r, c) at data[base + r*ld + c]) or
     * transposed; null when neither stride is 1 (then it is packed).
     */
    private record Plain(float[] data, int base, int ld, boolean trans, int rowStride, int colStride) {
        /** op(A) [m x k]. */
        static Plain ofA(SgemmPack.StridedA s, int m, int k) {
            return of(s.data(), s.offset(), s.rowStride(), s.colStride(), m, k);
        }

        /** op(B) [k x n]. */
        static Plain ofB(SgemmPack.StridedB s, int k, int n) {
            return of(s.data(), s.offset(), s.rowStride(), s.colStride(), k, n);
        }

        private static Plain of(float[] data, int offset, int rowStride, int colStride, int rows, int cols) {
            if (colStride == 1 && (rows == 1 || rowStride >= cols)) {
                return new Plain(data, offset, Math.max(rowStride, Math.max(1, cols)), false, rowStride, colStride);
            }
            if (rowStride == 1 && (cols == 1 || colStride >= rows)) {
                return new Plain(data, offset, Math.max(colStride, Math.max(1, rows)), true, rowStride, colStride);
            }
            return null;
        }

        /** Where element (r, c) of the logical matrix lives. */
        int offset(int r, int c) {
            return base + r * rowStride + c * colStride;
        }
    }
}
