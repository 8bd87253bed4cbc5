package org.rcnn4j.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DecodeBoxesKernel} in one vector pass, codes in place: a float vector holds whole codes (dx, dy, dw, dh),
 * the (width, height, width, height) and (ctrX, ctrY, ctrX, ctrY) of their boxes come from lane shuffles of the
 * box vector (with several classes: from the row's box, broadcast), and the float ops run lane by lane exactly as
 * the scalar form's. Two vectors make a step: their dw, dh lanes are packed into one float vector (a shuffle and a
 * blend), which converts to one double vector for the exponentials ({@link ExpVectorApprox#exp}), checked with
 * {@link ExpF32}'s window, vectorized: where both ends of the window round to the same float, that float is
 * (float) Math.exp's. A step with a lane where they do not, |x| &gt; 80 or NaN (about one lane in 2^16) is decoded
 * again one code at a time with Math.exp. The float vectors have as many lanes as the preferred double species (8
 * with AVX-512, 4 with AVX2); with fewer than 4 (128-bit vectors) the form is not used. (Float vectors of the full
 * width, each converted to two double vectors, made C2 (JDK 17) fail to intrinsify the conversions and box the
 * vectors: three times slower.)
 */
final class DecodeBoxesVectorKernel extends DecodeBoxesKernel {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F =
            VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int N = D.length();
    /** Lanes (x0, y0, x0, y0) and (x1, y1, x1, y1) of each code's four. */
    private static final VectorShuffle<Float> LOW = shuffle(0);
    private static final VectorShuffle<Float> HIGH = shuffle(2);
    /** The x2, y2 lanes (dw, dh in the codes). */
    private static final VectorMask<Float> SECOND_HALF = mask(2);
    private static final VectorMask<Float> FIRST_HALF = SECOND_HALF.not();
    /** The y lanes. */
    private static final VectorMask<Float> ODD = mask(1);
    private static final float RANGE = (float) ExpF32.RANGE;

    @Override
    boolean usable() {
        return N >= 4 && N % 4 == 0 && F.length() == N;
    }

    @Override
    void decode(float[] rel, float[] b, float[] out, int first, int end, int c, float[] w, float clip) {
        float[] wr = new float[N];
        for (int l = 0; l < N; l++) {
            wr[l] = w[l & 3];
        }
        FloatVector weights = FloatVector.fromArray(F, wr, 0);
        if (c == 1) {
            int j = 4 * first;
            for (int bound = 4 * first + loopBound(4 * (end - first)); j < bound; j += 2 * N) {
                FloatVector b1 = FloatVector.fromArray(F, b, j);
                FloatVector lo1 = b1.rearrange(LOW);
                FloatVector size1 = b1.rearrange(HIGH).sub(lo1);
                FloatVector ctr1 = lo1.add(size1.mul(0.5f));
                FloatVector b2 = FloatVector.fromArray(F, b, j + N);
                FloatVector lo2 = b2.rearrange(LOW);
                FloatVector size2 = b2.rearrange(HIGH).sub(lo2);
                FloatVector ctr2 = lo2.add(size2.mul(0.5f));
                if (!codes(rel, out, j, weights, clip, size1, ctr1, size2, ctr2)) {
                    for (int q = j; q < j + 2 * N; q += 4) {
                        decodeCode(rel, b, out, q >> 2, q, w, clip);
                    }
                }
            }
            for (; j < 4 * end; j += 4) {
                decodeCode(rel, b, out, j >> 2, j, w, clip);
            }
            return;
        }
        int rowLength = 4 * c;
        int vectorPart = loopBound(rowLength);
        for (int i = first; i < end; i++) {
            float width = b[4 * i + 2] - b[4 * i];
            float height = b[4 * i + 3] - b[4 * i + 1];
            float ctrX = b[4 * i] + 0.5f * width;
            float ctrY = b[4 * i + 1] + 0.5f * height;
            FloatVector size = FloatVector.broadcast(F, width).blend(height, ODD);
            FloatVector ctr = FloatVector.broadcast(F, ctrX).blend(ctrY, ODD);
            int row = rowLength * i;
            int j = row;
            for (int bound = row + vectorPart; j < bound; j += 2 * N) {
                if (!codes(rel, out, j, weights, clip, size, ctr, size, ctr)) {
                    for (int q = j; q < j + 2 * N; q += 4) {
                        decodeCode(rel, b, out, i, q, w, clip);
                    }
                }
            }
            for (; j < row + rowLength; j += 4) {
                decodeCode(rel, b, out, i, j, w, clip);
            }
        }
    }

    /** The largest multiple of 2 N not above n: the floats the vector loops take, two vectors a step. */
    private static int loopBound(int n) {
        return n - n % (2 * N);
    }

    /**
     * The N / 2 codes at rel[j..], two vectors of them, of boxes with these (w, h, w, h) and (ctrX, ctrY, ctrX,
     * ctrY) lanes; false where an exponential needs Math.exp, and the caller decodes these codes again one by one.
     * The two vectors' dw, dh lanes are packed into one vector (a shuffle and a blend) so that every lane of the
     * exponential's double vector counts. (Merging a corrected vector into this path instead made C2 (JDK 17) box
     * the vectors: twice as slow.)
     */
    private static boolean codes(float[] rel, float[] out, int j, FloatVector weights, float clip, FloatVector size1,
            FloatVector ctr1, FloatVector size2, FloatVector ctr2) {
        FloatVector d1 = FloatVector.fromArray(F, rel, j).div(weights);
        FloatVector d2 = FloatVector.fromArray(F, rel, j + N).div(weights);
        // (dw, dh) of the first vector's codes stay in lanes 2, 3 of each four, the second's move to lanes 0, 1
        FloatVector dm = d1.blend(d2.rearrange(HIGH), FIRST_HALF).min(clip);
        DoubleVector x = (DoubleVector) dm.convertShape(VectorOperators.F2D, D, 0);
        DoubleVector y = ExpVectorApprox.exp(x);
        FloatVector e = (FloatVector) y.sub(y.mul(ExpF32.WINDOW)).convertShape(VectorOperators.D2F, F, 0);
        FloatVector hi = (FloatVector) y.add(y.mul(ExpF32.WINDOW)).convertShape(VectorOperators.D2F, F, 0);
        VectorMask<Float> exact = e.compare(VectorOperators.EQ, hi).and(dm.abs().compare(VectorOperators.LE, RANGE));
        FloatVector pc1 = d1.rearrange(LOW).mul(size1).add(ctr1);
        FloatVector half1 = e.rearrange(HIGH).mul(size1).mul(0.5f);
        pc1.sub(half1).blend(pc1.add(half1), SECOND_HALF).intoArray(out, j);
        FloatVector pc2 = d2.rearrange(LOW).mul(size2).add(ctr2);
        FloatVector half2 = e.rearrange(LOW).mul(size2).mul(0.5f);
        pc2.sub(half2).blend(pc2.add(half2), SECOND_HALF).intoArray(out, j + N);
        return exact.allTrue();
    }

    private static VectorShuffle<Float> shuffle(int from) {
        int[] idx = new int[F.length()];
        for (int l = 0; l < idx.length; l++) {
            idx[l] = (l & ~3) + from + (l & 1);
        }
        return VectorShuffle.fromArray(F, idx, 0);
    }

    /** Lanes l with (l &amp; 3) &gt;= 2 (from 2) or odd (from 1). */
    private static VectorMask<Float> mask(int which) {
        boolean[] set = new boolean[F.length()];
        for (int l = 0; l < set.length; l++) {
            set[l] = which == 2 ? (l & 3) >= 2 : (l & 1) == 1;
        }
        return VectorMask.fromArray(F, set, 0);
    }
}
