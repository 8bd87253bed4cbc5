package org.rcnn4j.backend.cpu;

/**
 * The register-blocked F32 micro-kernel of {@link SgemmDriver}: C[mr x nr] (+)= Ap · Bp over kc steps, where Ap
 * is an A strip packed k-major (mr values per k) and Bp a B strip packed k-major (nr values per k).
 */
abstract class SgemmKernel {

    /** Rows of a strip of A (and of a C tile). */
    abstract int mr();

    /** Columns of a strip of B (and of a C tile). */
    abstract int nr();

    /**
     * C tile at c[cOff + i*ldc + j] for i &lt; mr, j &lt; nr: set to the product when {@code overwrite}, else
     * incremented by it.
     */
    abstract void multiply(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc,
            boolean overwrite);

    /**
     * dst[d .. d+nr) = src[s .. s+nr): one k row of a packed B strip, for the packers ({@link SgemmPack}). A copy,
     * no arithmetic: any kernel may do it its own way without changing a bit of the results.
     */
    void copyStripRow(float[] src, int s, float[] dst, int d) {
        System.arraycopy(src, s, dst, d, nr());
    }

    /** Which implementation runs (for benchmarks and logs). */
    abstract String describe();

    private static final SgemmKernel BEST = choose();

    /**
     * The Vector API kernel when the JVM resolved jdk.incubator.vector (--add-modules jdk.incubator.vector) and
     * -Drcnn4j.cpu.vector is not false; the portable scalar kernel otherwise.
     */
    static SgemmKernel best() {
        return BEST;
    }

    private static SgemmKernel choose() {
        SgemmKernel vector = VectorForms.load("SgemmVectorKernel", SgemmKernel.class);
        return vector != null ? vector : new SgemmScalarKernel();
    }
}
