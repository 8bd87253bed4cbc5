package org.rcnn4j.backend.cpu;

/**
 * Blocked F32 GEMM, C += A·B with A [m x k] and B [k x n], in the GotoBLAS/BLIS scheme: K is cut into KC blocks,
 * A and B are packed into strips of {@link SgemmKernel#mr()} rows and {@link SgemmKernel#nr()} columns (zero
 * padded at the edges), and the micro-kernel multiplies one A strip by one B strip from those packed copies.
 *
 * <p>Operands are reached only through packers, so the same driver multiplies plain (transposed or not) matrices
 * and convolutions whose B is an im2col view of an image (packed straight from the image, never materialized).
 * Results go to a row-major C or, for col2im, to a {@link TileSink}.
 *
 * <p>Work splits across threads along N (each task packs its own B panels; A is packed once and shared) or along
 * M (the reverse); both keep every C element owned by exactly one task, so no synchronization is needed.
 */
final class SgemmDriver {
    /** Depth of a K block: a B strip (KC x nr floats, 32 KB with AVX-512) stays in L1 across an A block. */
    static final int KC = 256;
    /** Widest B panel a task packs (KC x MAX_NC floats, L2-resident). */
    private static final int MAX_NC = 384;
    /** Tallest A block multiplied against one B panel (MAX_MC x KC floats, L2-resident beside the panel). */
    private static final int MAX_MC = 192;

    /** Packs A[i0 .. i0+mc) x [k0 .. k0+kc) as strips of mr rows: element (i, k) of strip s at off + s*mr*kc + k*mr + i. */
    interface PackA {
        void pack(int i0, int mc, int k0, int kc, int mr, float[] dst, int off);

        /**
         * All of A already packed for strips of {@code mr} rows, as {@code pack(0, m, k0, kc, mr, buf, k0 * mPad)}
         * for every K block would write it (read only), or null when this packer packs on demand.
         */
        default float[] packedWhole(int mr) {
            return null;
        }
    }

    /** Packs B[k0 .. k0+kc) x [j0 .. j0+nc) as strips of nr columns: element (k, j) of strip t at off + t*nr*kc + k*nr + j. */
    interface PackB {
        void pack(int k0, int kc, int j0, int nc, int nr, float[] dst, int off);

        /**
         * {@code pack(k0, kc, j0, nc, kernel.nr(), dst, off)}; a packer that copies whole strip rows may let
         * {@link SgemmKernel#copyStripRow} copy them.
         */
        default void packFor(SgemmKernel kernel, int k0, int kc, int j0, int nc, float[] dst, int off) {
            pack(k0, kc, j0, nc, kernel.nr(), dst, off);
        }
    }

    /**
     * Receives finished partial products: C[i0+i][j0+j] += tile[tileOff + i*ldt + j] for i &lt; rows, j &lt; cols.
     */
    interface TileSink {
        void add(int i0, int j0, int rows, int cols, float[] tile, int tileOff, int ldt);
    }

    private static volatile SgemmDriver current = SgemmWarmUp.start(SgemmKernel.best(),
            ready -> current = new SgemmDriver(ready));

    private final SgemmKernel kernel;
    private final int mr;
    private final int nr;
    /** Whether this driver hands its products to oneDNN ({@link OneDnnGemm}) instead of its own kernel. */
    private final boolean viaOneDnn;
    private volatile SgemmDriver oneDnnTwin;
    /**
     * Per-thread packing buffers, shared by every driver: the warm-up's hand-over builds a new driver, and buffers
     * of its own would be allocated again while the stand-in's stayed reachable from each thread (tens of MB).
     */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    SgemmDriver(SgemmKernel kernel) {
        this(kernel, false);
    }

    private SgemmDriver(SgemmKernel kernel, boolean viaOneDnn) {
        this.kernel = kernel;
        this.mr = kernel.mr();
        this.nr = kernel.nr();
        this.viaOneDnn = viaOneDnn;
    }

    /**
     * The driver over the best micro-kernel this JVM offers, once that kernel is compiled ({@link SgemmWarmUp});
     * with -Drcnn4j.onednn on ({@link OneDnnGemm#enabled()}), one that multiplies through oneDNN instead.
     */
    static SgemmDriver get() {
        SgemmDriver d = current;
        if (!OneDnnGemm.enabled()) {
            return d;
        }
        SgemmDriver twin = d.oneDnnTwin;
        if (twin == null) {
            twin = new SgemmDriver(d.kernel, true);
            d.oneDnnTwin = twin;
        }
        return twin;
    }

    SgemmKernel kernel() {
        return kernel;
    }

    /** Whether products go to oneDNN (which reads plain operands itself: packing them ahead buys nothing). */
    boolean viaOneDnn() {
        return viaOneDnn;
    }

    /** C[cOff + i*ldc + j] += (A·B)[i][j]. */
    void multiply(int m, int n, int k, PackA a, PackB b, float[] c, int cOff, int ldc, boolean parallel) {
        if (m == 0 || n == 0 || k == 0) {
            return;
        }
        if (viaOneDnn) {
            OneDnnGemm.multiply(m, n, k, a, b, c, cOff, ldc, null, 1, false, parallel);
            return;
        }
        if (m > n) {
            splitRows(m, n, k, a, b, c, cOff, ldc, null, 1, parallel);
        } else {
            splitColumns(m, n, k, a, b, c, cOff, ldc, null, parallel);
        }
    }

    /**
     * Tiles of A·B to {@code sink}. Work splits along M in blocks that start at multiples of {@code rowAlign}, so a
     * sink whose rows group into runs of rowAlign (col2im: the kh*kw rows of one channel) is never entered by two
     * threads for the same run.
     */
    void multiply(int m, int n, int k, PackA a, PackB b, TileSink sink, int rowAlign, boolean parallel) {
        if (m == 0 || n == 0 || k == 0) {
            return;
        }
        if (viaOneDnn) {
            OneDnnGemm.multiply(m, n, k, a, b, null, 0, 0, sink, rowAlign, true, parallel);
            return;
        }
        splitRows(m, n, k, a, b, null, 0, 0, sink, rowAlign, parallel);
    }

    /**
     * Tiles of A·B to {@code sink}, work split along N: every column belongs to one task, so a sink whose
     * destination follows the column (an image of a batch laid out as {@link ChannelRows}) needs no locking.
     */
    void multiplyByColumns(int m, int n, int k, PackA a, PackB b, TileSink sink, boolean parallel) {
        if (m == 0 || n == 0 || k == 0) {
            return;
        }
        if (viaOneDnn) {
            OneDnnGemm.multiply(m, n, k, a, b, null, 0, 0, sink, 1, false, parallel);
            return;
        }
        splitColumns(m, n, k, a, b, null, 0, 0, sink, parallel);
    }

    private void splitColumns(int m, int n, int k, PackA a, PackB b, float[] c, int cOff, int ldc, TileSink sink,
            boolean parallel) {
        int mPad = GemmParallel.roundUp(m, mr);
        float[] prepacked = a.packedWhole(mr);
        float[] ap = prepacked != null ? prepacked : new float[Math.multiplyExact(mPad, k)];
        if (prepacked == null) {
            int kBlocks = (k + KC - 1) / KC;
            GemmParallel.forEach(kBlocks, parallel, kb -> {
                int k0 = kb * KC;
                a.pack(0, m, k0, Math.min(KC, k - k0), mr, ap, k0 * mPad);
            });
        }
        int threads = parallel ? GemmParallel.threads() : 1;
        int nc = GemmParallel.blockSize(n, nr, threads, MAX_NC);
        int tasks = (n + nc - 1) / nc;
        int mcInner = Math.max(mr, MAX_MC / mr * mr);
        GemmParallel.forEach(tasks, parallel, t -> {
            Scratch s = SCRATCH.get();
            float[] tileBuf = s.tile(mr * nr);
            int j0 = t * nc;
            int ncT = Math.min(nc, n - j0);
            int strips = (ncT + nr - 1) / nr;
            float[] bp = s.b(strips * nr * KC);
            for (int k0 = 0; k0 < k; k0 += KC) {
                int kc = Math.min(KC, k - k0);
                b.packFor(kernel, k0, kc, j0, ncT, bp, 0);
                // rows in L2-sized blocks; each B strip (L1) then meets every A strip of the block
                for (int ib = 0; ib < m; ib += mcInner) {
                    int iEnd = Math.min(m, ib + mcInner);
                    for (int ts = 0; ts < strips; ts++) {
                        int jj = j0 + ts * nr;
                        int cols = Math.min(nr, n - jj);
                        for (int i0 = ib; i0 < iEnd; i0 += mr) {
                            tile(kc, ap, k0 * mPad + i0 * kc, bp, ts * nr * kc, i0, jj, Math.min(mr, m - i0), cols,
                                    c, cOff, ldc, sink, tileBuf);
                        }
                    }
                }
            }
        });
    }

    private void splitRows(int m, int n, int k, PackA a, PackB b, float[] c, int cOff, int ldc, TileSink sink,
            int rowAlign, boolean parallel) {
        int nPad = GemmParallel.roundUp(n, nr);
        float[] bp = new float[Math.multiplyExact(nPad, k)];
        int kBlocks = (k + KC - 1) / KC;
        int colChunk = GemmParallel.roundUp(Math.max(nr, Math.min(n, 4 * MAX_NC)), nr);
        int colChunks = (n + colChunk - 1) / colChunk;
        GemmParallel.forEach(kBlocks * colChunks, parallel, u -> {
            int k0 = (u / colChunks) * KC;
            int kc = Math.min(KC, k - k0);
            int j0 = (u % colChunks) * colChunk;
            b.packFor(kernel, k0, kc, j0, Math.min(colChunk, n - j0), bp, k0 * nPad + j0 * kc);
        });
        int threads = parallel ? GemmParallel.threads() : 1;
        int unit = lcm(mr, Math.max(1, rowAlign));
        if (unit > MAX_MC) {
            unit = Math.max(1, rowAlign);
        }
        int mc = GemmParallel.blockSize(m, unit, threads, MAX_MC);
        int tasks = (m + mc - 1) / mc;
        GemmParallel.forEach(tasks, parallel, t -> {
            Scratch s = SCRATCH.get();
            float[] tileBuf = s.tile(mr * nr);
            int i0 = t * mc;
            int mcT = Math.min(mc, m - i0);
            int strips = (mcT + mr - 1) / mr;
            float[] ap = s.a(strips * mr * KC);
            for (int k0 = 0; k0 < k; k0 += KC) {
                int kc = Math.min(KC, k - k0);
                a.pack(i0, mcT, k0, kc, mr, ap, 0);
                for (int jj = 0; jj < n; jj += nr) {
                    int cols = Math.min(nr, n - jj);
                    int bOff = k0 * nPad + jj * kc;
                    for (int is = 0; is < strips; is++) {
                        int ii = i0 + is * mr;
                        tile(kc, ap, is * mr * kc, bp, bOff, ii, jj, Math.min(mr, i0 + mcT - ii), cols, c, cOff,
                                ldc, sink, tileBuf);
                    }
                }
            }
        });
    }

    /** One mr x nr product: straight into C when whole, else through the scratch tile. */
    private void tile(int kc, float[] ap, int aOff, float[] bp, int bOff, int i0, int j0, int rows, int cols,
            float[] c, int cOff, int ldc, TileSink sink, float[] tile) {
        if (sink == null && rows == mr && cols == nr) {
            kernel.multiply(kc, ap, aOff, bp, bOff, c, cOff + i0 * ldc + j0, ldc, false);
            return;
        }
        kernel.multiply(kc, ap, aOff, bp, bOff, tile, 0, nr, true);
        if (sink != null) {
            sink.add(i0, j0, rows, cols, tile, 0, nr);
            return;
        }
        for (int i = 0; i < rows; i++) {
            int o = cOff + (i0 + i) * ldc + j0;
            int to = i * nr;
            for (int j = 0; j < cols; j++) {
                c[o + j] += tile[to + j];
            }
        }
    }

    private static int lcm(int a, int b) {
        int x = a;
        int y = b;
        while (y != 0) {
            int r = x % y;
            x = y;
            y = r;
        }
        return a / x * b;
    }

    /** Per-thread packing buffers; only used inside one leaf task, which never waits on other tasks. */
    private static final class Scratch {
        private float[] tile = new float[0];
        private float[] a = new float[0];
        private float[] b = new float[0];

        float[] tile(int size) {
            if (tile.length < size) {
                tile = new float[size];
            }
            return tile;
        }

        float[] a(int size) {
            if (a.length < size) {
                a = new float[size];
            }
            return a;
        }

        float[] b(int size) {
            if (b.length < size) {
                b = new float[size];
            }
            return b;
        }
    }
}
