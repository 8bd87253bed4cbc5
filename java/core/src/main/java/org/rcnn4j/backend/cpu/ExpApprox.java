package org.rcnn4j.backend.cpu;

/**
 * exp over an array of doubles: the Vector API polynomial ({@link ExpVectorApprox}, within 2^-45 relative for
 * |x| &lt;= 80) when the JVM has jdk.incubator.vector, else Math.exp itself ({@link #exact()}).
 */
abstract class ExpApprox {
    /** y[i] = exp(x[i]) (approximately, unless {@link #exact()}) for i &lt; n. */
    abstract void exp(double[] x, double[] y, int n);

    /** Whether y is Math.exp's own value. */
    abstract boolean exact();

    static ExpApprox best() {
        ExpApprox vector = VectorForms.load("ExpVectorApprox", ExpApprox.class);
        return vector != null ? vector : new Scalar();
    }

    /** Math.exp, one value at a time. */
    static final class Scalar extends ExpApprox {
        @Override
        void exp(double[] x, double[] y, int n) {
            for (int i = 0; i < n; i++) {
                y[i] = Math.exp(x[i]);
            }
        }

        @Override
        boolean exact() {
            return true;
        }
    }
}
