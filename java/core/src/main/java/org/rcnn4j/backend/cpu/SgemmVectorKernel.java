package org.rcnn4j.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * 6 x 2V micro-kernel (V = the preferred vector's lanes, 16 with AVX-512): twelve vector accumulators stay in
 * registers for the whole kc loop, which C2's auto-vectorizer cannot arrange from scalar code. Loaded by name
 * from {@link SgemmKernel#best()} only when jdk.incubator.vector is present. With AVX-512's 32 registers, blocks of
 * 8, 10, 12 and 14 x 2V ran no faster (the kernel alone is at the FMA peak already; a product's time beyond it is
 * packing and memory, benchmarks/README.md, issue 18), so 6 x 2V serves 16-register AVX2 and AVX-512 alike.
 */
final class SgemmVectorKernel extends SgemmKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    private static final int MR = 6;
    private static final int NR = 2 * V;

    @Override
    int mr() {
        return MR;
    }

    @Override
    int nr() {
        return NR;
    }

    @Override
    String describe() {
        return "Vector API " + MR + "x" + NR + " (" + S.vectorBitSize() + "-bit)";
    }

    /** Two vector loads and stores: System.arraycopy's call costs as much as the copy at this length. */
    @Override
    void copyStripRow(float[] src, int s, float[] dst, int d) {
        FloatVector.fromArray(S, src, s).intoArray(dst, d);
        FloatVector.fromArray(S, src, s + V).intoArray(dst, d + V);
    }

    @Override
    void multiply(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc, boolean overwrite) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        int ai = aOff;
        int bi = bOff;
        for (int k = 0; k < kc; k++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + V);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        // stores written out in place: a helper taking vectors as arguments may not inline, and vectors that
        // cross a call boundary are boxed
        int o = cOff;
        if (!overwrite) {
            c00 = c00.add(FloatVector.fromArray(S, c, o));
            c01 = c01.add(FloatVector.fromArray(S, c, o + V));
            c10 = c10.add(FloatVector.fromArray(S, c, o + ldc));
            c11 = c11.add(FloatVector.fromArray(S, c, o + ldc + V));
            c20 = c20.add(FloatVector.fromArray(S, c, o + 2 * ldc));
            c21 = c21.add(FloatVector.fromArray(S, c, o + 2 * ldc + V));
            c30 = c30.add(FloatVector.fromArray(S, c, o + 3 * ldc));
            c31 = c31.add(FloatVector.fromArray(S, c, o + 3 * ldc + V));
            c40 = c40.add(FloatVector.fromArray(S, c, o + 4 * ldc));
            c41 = c41.add(FloatVector.fromArray(S, c, o + 4 * ldc + V));
            c50 = c50.add(FloatVector.fromArray(S, c, o + 5 * ldc));
            c51 = c51.add(FloatVector.fromArray(S, c, o + 5 * ldc + V));
        }
        c00.intoArray(c, o);
        c01.intoArray(c, o + V);
        c10.intoArray(c, o + ldc);
        c11.intoArray(c, o + ldc + V);
        c20.intoArray(c, o + 2 * ldc);
        c21.intoArray(c, o + 2 * ldc + V);
        c30.intoArray(c, o + 3 * ldc);
        c31.intoArray(c, o + 3 * ldc + V);
        c40.intoArray(c, o + 4 * ldc);
        c41.intoArray(c, o + 4 * ldc + V);
        c50.intoArray(c, o + 5 * ldc);
        c51.intoArray(c, o + 5 * ldc + V);
    }
}
