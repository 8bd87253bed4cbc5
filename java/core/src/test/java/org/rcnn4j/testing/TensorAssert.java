package org.rcnn4j.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * Comparisons with the project's tolerances. Relative error is measured against the largest magnitude of the
 * expected tensor (infinity norm): max|actual - expected| / max|expected|. NaN must stand where NaN stands.
 */
public final class TensorAssert {
    /** Float32 forward agreement. */
    public static final double FORWARD = 2e-5;
    /** Float32 gradient agreement. */
    public static final double GRADIENT = 1e-4;

    private TensorAssert() {
    }

    /** Same shape and relative error at most {@code rel}; integer tensors must be equal. */
    public static void assertClose(String what, Tensor expected, Tensor actual, double rel) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        if (expected.dtype().isInteger() || actual.dtype().isInteger()) {
            assertExact(what, expected, actual);
            return;
        }
        int n = expected.numel();
        double maxRef = 0;
        for (int i = 0; i < n; i++) {
            double e = expected.getDouble(i);
            if (!Double.isNaN(e)) {
                maxRef = Math.max(maxRef, Math.abs(e));
            }
        }
        double scale = Math.max(maxRef, 1e-30);
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < n; i++) {
            double e = expected.getDouble(i);
            double a = actual.getDouble(i);
            if (Double.isNaN(e) || Double.isNaN(a)) {
                if (Double.isNaN(e) != Double.isNaN(a)) {
                    fail(what + ": element " + i + " expected " + e + " but was " + a);
                }
                continue;
            }
            if (Double.isInfinite(e) || Double.isInfinite(a)) {
                if (e != a) {
                    fail(what + ": element " + i + " expected " + e + " but was " + a);
                }
                continue;
            }
            double err = Math.abs(a - e) / scale;
            if (err > worst) {
                worst = err;
                worstAt = i;
            }
        }
        if (worst > rel) {
            fail(String.format("%s: relative error %.3g > %.3g at element %d (expected %s, actual %s, max|expected| %s)",
                    what, worst, rel, worstAt, expected.getDouble(worstAt), actual.getDouble(worstAt), maxRef));
        }
    }

    /** Same shape and the same values (integers compared as longs, floats bit-for-bit up to NaN). */
    public static void assertExact(String what, Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        int n = expected.numel();
        for (int i = 0; i < n; i++) {
            double e = expected.getDouble(i);
            double a = actual.getDouble(i);
            if (!(e == a || (Double.isNaN(e) && Double.isNaN(a)))) {
                fail(what + ": element " + i + " expected " + e + " but was " + a);
            }
        }
    }

    /** Same shape and the same F32 values bit for bit (-0 and 0 told apart). */
    public static void assertBits(String what, Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.floats();
        float[] a = actual.floats();
        for (int i = 0; i < e.length; i++) {
            if (Float.floatToRawIntBits(e[i]) != Float.floatToRawIntBits(a[i])) {
                fail(what + ": element " + i + " expected " + e[i] + " but was " + a[i]);
            }
        }
    }

    /** A float tensor holds no NaN (e.g. the poison value of an output never written). */
    public static void assertNoNaN(String what, Tensor t) {
        if (t.dtype() != DType.F32 && t.dtype() != DType.F64) {
            return;
        }
        for (int i = 0; i < t.numel(); i++) {
            if (Double.isNaN(t.getDouble(i))) {
                fail(what + ": element " + i + " is NaN (never written?)");
            }
        }
    }

    public static void assertShape(String what, Tensor t, int... shape) {
        assertArrayEquals(shape, t.shape(), what + ": shape");
        assertEquals(shape.length, t.dim(), what + ": rank");
    }
}
