package org.rcnn4j.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp(x) = 2^k * exp(r), k = round(x / ln 2), r = x - k ln 2 (|r| &lt;= ln2 / 2, ln 2 in two parts so that k*hi is
 * exact), exp(r) by its Taylor polynomial to degree 11 (truncation below 2^-46 relative) in Estrin's scheme
 * (rounding a few double ulps; the largest error over 8M random x in [-80, 80] was 2^-46.7), 2^k built in the
 * exponent bits. k comes from the 1.5*2^52 trick, in the low bits of the sum's pattern,
 * so no float-to-integer conversion is needed (AVX2 has none for 64-bit lanes). Valid for |x| &lt;= 80; other
 * lanes give garbage that {@link ExpF32#finish} never uses. Loaded by name from {@link ExpApprox#best()}.
 */
final class ExpVectorApprox extends ExpApprox {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final double LOG2E = 0x1.71547652b82fep0;
    private static final double LN2_HI = 0x1.62e42fee00000p-1;
    private static final double LN2_LO = 0x1.a39ef35793c76p-33;
    private static final double SHIFTER = 0x1.8p52;
    private static final long SHIFTER_BITS = Double.doubleToRawLongBits(SHIFTER);
    /** 1/n! for n = 11 down to 0 (Horner's order). */
    private static final double[] TAYLOR = new double[12];

    static {
        double f = 1;
        for (int n = 1; n <= 11; n++) {
            f *= n;
        }
        for (int n = 11; n >= 0; n--) {
            TAYLOR[11 - n] = 1 / f;
            f = n == 0 ? 1 : f / n;
        }
    }

    /** 1/n!: Estrin's coefficients. */
    private static final double C0 = TAYLOR[11];
    private static final double C1 = TAYLOR[10];
    private static final double C2 = TAYLOR[9];
    private static final double C3 = TAYLOR[8];
    private static final double C4 = TAYLOR[7];
    private static final double C5 = TAYLOR[6];
    private static final double C6 = TAYLOR[5];
    private static final double C7 = TAYLOR[4];
    private static final double C8 = TAYLOR[3];
    private static final double C9 = TAYLOR[2];
    private static final double C10 = TAYLOR[1];
    private static final double C11 = TAYLOR[0];

    @Override
    void exp(double[] x, double[] y, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            expOf(x, y, i);
        }
        for (; i < n; i++) {
            y[i] = Math.exp(x[i]);
        }
    }

    private static void expOf(double[] xs, double[] y, int i) {
        exp(DoubleVector.fromArray(S, xs, i)).intoArray(y, i);
    }

    /** The approximation of exp lane by lane, for |x| &lt;= 80 (also {@link DecodeBoxesVectorKernel}'s). */
    static DoubleVector exp(DoubleVector x) {
        VectorSpecies<Double> s = x.species();
        DoubleVector t = x.mul(LOG2E).add(SHIFTER);
        DoubleVector k = t.sub(SHIFTER);
        DoubleVector r = k.neg().lanewise(VectorOperators.FMA, LN2_HI, x);
        r = k.neg().lanewise(VectorOperators.FMA, LN2_LO, r);
        // Estrin's scheme: four dependent FMA levels instead of Horner's eleven, so that the vector unit overlaps
        // more lanes' work (decode measured 15% faster); its rounding stays near 2^-52, far inside ExpF32's window
        DoubleVector r2 = r.mul(r);
        DoubleVector r4 = r2.mul(r2);
        DoubleVector r8 = r4.mul(r4);
        DoubleVector q0 = r.lanewise(VectorOperators.FMA, C1, DoubleVector.broadcast(S, C0));
        DoubleVector q1 = r.lanewise(VectorOperators.FMA, C3, DoubleVector.broadcast(S, C2));
        DoubleVector q2 = r.lanewise(VectorOperators.FMA, C5, DoubleVector.broadcast(S, C4));
        DoubleVector q3 = r.lanewise(VectorOperators.FMA, C7, DoubleVector.broadcast(S, C6));
        DoubleVector q4 = r.lanewise(VectorOperators.FMA, C9, DoubleVector.broadcast(S, C8));
        DoubleVector q5 = r.lanewise(VectorOperators.FMA, C11, DoubleVector.broadcast(S, C10));
        DoubleVector s0 = q1.lanewise(VectorOperators.FMA, r2, q0);
        DoubleVector s1 = q3.lanewise(VectorOperators.FMA, r2, q2);
        DoubleVector s2 = q5.lanewise(VectorOperators.FMA, r2, q4);
        DoubleVector p = s2.lanewise(VectorOperators.FMA, r8, s1.lanewise(VectorOperators.FMA, r4, s0));
        LongVector bits = (LongVector) t.reinterpretAsLongs();
        DoubleVector scale = bits.sub(SHIFTER_BITS - 1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        return p.mul(scale);
    }

    @Override
    boolean exact() {
        return false;
    }
}
