package org.rcnn4j.backend.cpu;

import java.util.Locale;
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
 * <p>oneDNN runs on {@link GemmParallel#threads()} threads of its own when the driver call may use every core, on
 * one thread when the caller already runs GEMMs side by side; the packing around it runs on rcnn4j's pool. Results
 * are deterministic for a given machine and thread count: the blocking here is fixed, and oneDNN's split of the
 * work depends only on the sizes and its thread count.
 */
final class OneDnnGemm {
    /** System property: auto, true or false. */
    static final String PROPERTY = "rcnn4j.onednn";
    /** Largest operand block materialized at once (floats, per block of A, B and C: 8 MB each). */
    static final int BLOCK_FLOATS = 1 << 21;
    /** Deepest K block when an operand is materialized. */
    static final int MAX_KB = 4096;

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[3][0]);
    private static volatile Boolean enabled;

    private OneDnnGemm() {
    }

    /**
     * Whether F32 GEMMs go to oneDNN: the property, resolved on first use.
     *
     * @throws IllegalStateException when the property is true and oneDNN does not load, or it is not one of
     *     auto/true/false
     */
    static boolean enabled() {
        Boolean e = enabled;
        if (e == null) {
            synchronized (OneDnnGemm.class) {
                e = enabled;
                if (e == null) {
                    e = resolve(System.getProperty(PROPERTY), OneDnnGemm::status);
                    enabled = e;
                }
            }
        }
        return e;
    }

    /** Turns the route on or off for this JVM (tests), returning the previous setting. */
    static synchronized boolean use(boolean on) {
        boolean before = enabled();
        enabled = resolve(on ? "true" : "false", OneDnnGemm::status);
        return before;
    }

    /** The decision for a property value, given how oneDNN opens (asked only when the value needs it). */
    static boolean resolve(String value, java.util.function.Supplier<OneDnn.Status> status) {
        String v = value == null || value.isBlank() ? "false" : value.trim().toLowerCase(Locale.ROOT);
        switch (v) {
            case "false", "off", "0":
                return false;
            case "auto":
                return status.get().loaded();
            case "true", "on", "1":
                OneDnn.Status s = status.get();
                if (!s.loaded()) {
                    throw new IllegalStateException("-D" + PROPERTY + "=true, but " + s.describe()
                            + " (use -D" + PROPERTY + "=auto to fall back to rcnn4j's own GEMM)");
                }
                return true;
            default:
                throw new IllegalArgumentException("-D" + PROPERTY + ": expected auto, true or false, got '" + value
                        + "'");
        }
    }

    private static OneDnn.Status status() {
        return OneDnn.status();
    }

    /** For the backend's description: whether oneDNN is used, loaded, and which version. */
    static String describe() {
        String v = System.getProperty(PROPERTY, "false");
        boolean on;
        try {
            on = enabled();
        } catch (RuntimeException e) {
            return "oneDNN: " + e.getMessage();
        }
        OneDnn.Status s = OneDnn.status();
        if (on) {
            return "F32 GEMM on " + s.describe() + ", " + GemmParallel.threads() + " threads";
        }
        return "F32 GEMM in Java (-D" + PROPERTY + "=" + v + "; " + (s.loaded() ? s.describe() + " available"
                : s.describe()) + ")";
    }

    /**
     * C[cOff + i*ldc + j] += (A·B)[i][j] when {@code sink} is null, else the same product added into the sink in
     * row bands that start at multiples of {@code rowAlign} (bands on different threads never share a run).
     */
    static void multiply(int m, int n, int k, SgemmDriver.PackA a, SgemmDriver.PackB b, float[] c, int cOff,
            int ldc, SgemmDriver.TileSink sink, int rowAlign, boolean parallel) {
        if (m == 0 || n == 0 || k == 0) {
            return;
        }
        int threads = parallel ? GemmParallel.threads() : 1;
        SgemmDriver.PackA source = a instanceof SgemmPack.Prepacked p ? p.source() : a;
        Plain pa = source instanceof SgemmPack.StridedA s ? Plain.ofA(s, m, k) : null;
        Plain pb = b instanceof SgemmPack.StridedB s ? Plain.ofB(s, k, n) : null;
        int kb = pa != null && pb != null ? k : Math.min(k, MAX_KB);
        int nb = pb != null && sink == null ? n
                : Math.min(n, Math.max(16, BLOCK_FLOATS / Math.max(kb, sink == null ? 1 : m)));
        if (pa == null && kb < k) {
            // A is packed per K block; keep its block within the budget too
            kb = Math.max(1, Math.min(kb, BLOCK_FLOATS / m));
        }
        float[][] scratch = SCRATCH.get();
        float[] aBuf = pa == null ? grow(scratch, 0, Math.multiplyExact(m, kb)) : null;
        float[] bBuf = pb == null ? grow(scratch, 1, Math.multiplyExact(kb, nb)) : null;
        float[] cBuf = sink != null ? grow(scratch, 2, Math.multiplyExact(m, nb)) : null;
        boolean aOnce = pa == null && kb == k;
        if (aOnce) {
            packA(source, m, 0, k, aBuf, parallel);
        }
        for (int j0 = 0; j0 < n; j0 += nb) {
            int ncols = Math.min(nb, n - j0);
            for (int k0 = 0; k0 < k; k0 += kb) {
                int kc = Math.min(kb, k - k0);
                boolean transA;
                float[] aData;
                int aOff;
                int lda;
                if (pa != null) {
                    transA = pa.trans;
                    aData = pa.data;
                    aOff = pa.offset(0, k0);
                    lda = pa.ld;
                } else {
                    if (!aOnce) {
                        packA(source, m, k0, kc, aBuf, parallel);
                    }
                    // packed as one strip of m rows: element (i, kk) at kk*m + i, i.e. op(A) stored transposed
                    transA = true;
                    aData = aBuf;
                    aOff = aOnce ? k0 * m : 0;
                    lda = m;
                }
                boolean transB;
                float[] bData;
                int bOff;
                int ldb;
                if (pb != null) {
                    transB = pb.trans;
                    bData = pb.data;
                    bOff = pb.offset(k0, j0);
                    ldb = pb.ld;
                } else {
                    packB(b, k0, kc, j0, ncols, bBuf, parallel);
                    transB = false;
                    bData = bBuf;
                    bOff = 0;
                    ldb = ncols;
                }
                if (sink == null) {
                    OneDnn.sgemm(transA, transB, m, ncols, kc, 1f, aData, aOff, lda, bData, bOff, ldb, 1f, c,
                            cOff + j0, ldc, threads);
                } else {
                    OneDnn.sgemm(transA, transB, m, ncols, kc, 1f, aData, aOff, lda, bData, bOff, ldb,
                            k0 == 0 ? 0f : 1f, cBuf, 0, ncols, threads);
                }
            }
            if (sink != null) {
                drain(sink, m, j0, ncols, cBuf, Math.max(1, rowAlign), parallel);
            }
        }
    }

    /** Rows 0..m of A over K [k0, k0+kc) into buf as kc x m (one strip of m rows), K split across threads. */
    private static void packA(SgemmDriver.PackA a, int m, int k0, int kc, float[] buf, boolean parallel) {
        int part = Math.max(1, Math.min(kc, 256));
        GemmParallel.forEach((kc + part - 1) / part, parallel && (long) m * kc > 65_536, t -> {
            int s = t * part;
            a.pack(0, m, k0 + s, Math.min(part, kc - s), m, buf, s * m);
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

    /** The finished block [m x nc] into the sink, in row bands aligned to rowAlign (side by side when parallel). */
    private static void drain(SgemmDriver.TileSink sink, int m, int j0, int nc, float[] buf, int rowAlign,
            boolean parallel) {
        int threads = parallel ? GemmParallel.threads() : 1;
        int band = GemmParallel.blockSize(m, rowAlign, threads, Math.max(rowAlign, m));
        GemmParallel.forEach((m + band - 1) / band, parallel && (long) m * nc > 65_536, t -> {
            int i0 = t * band;
            sink.add(i0, j0, Math.min(band, m - i0), nc, buf, i0 * nc, nc);
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
