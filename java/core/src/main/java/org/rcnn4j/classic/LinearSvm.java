package org.rcnn4j.classic;

import java.util.SplittableRandom;

/**
 * A binary linear SVM, min 0.5 |w|^2 + sum_i C_i max(0, 1 - y_i (w.x_i + b)), solved in the dual by coordinate
 * descent (Hsieh et al., ICML 2008; liblinear's L1-loss dual solver). The bias is an extra feature of constant
 * value {@code biasMult} (regularised with w, as liblinear does; R-CNN uses 10). Positives get C * posWeight.
 */
public final class LinearSvm {
    private final float[] w;
    private final float b;

    /**
     * Solver settings. R-CNN's released code uses C = 0.001, positive weight 2, bias multiplier 10; the solve stops
     * when the projected gradients' spread falls below the tolerance (liblinear's default 0.1) or after maxEpochs.
     */
    public record Options(double c, double posWeight, double biasMult, double tolerance, int maxEpochs, long seed) {
        public Options {
            if (!(c > 0) || !(posWeight > 0) || !(biasMult >= 0) || !(tolerance > 0) || maxEpochs < 1) {
                throw new IllegalArgumentException("C, posWeight and tolerance must be > 0, biasMult >= 0, "
                        + "maxEpochs >= 1");
            }
        }

        public static Options rcnn(long seed) {
            return new Options(1e-3, 2, 10, 0.1, 1000, seed);
        }
    }

    /** What one solve did: epochs run, whether the KKT gap fell below the tolerance, the primal objective. */
    public record Stats(int epochs, boolean converged, double objective) {
    }

    public LinearSvm(float[] w, float b) {
        this.w = w.clone();
        this.b = b;
    }

    public float[] weights() {
        return w.clone();
    }

    public float bias() {
        return b;
    }

    public int dim() {
        return w.length;
    }

    /** w.x + b for row {@code row} of x ([n, d] flat). */
    public float score(float[] x, int row) {
        int d = w.length;
        int o = row * d;
        float s = b;
        for (int k = 0; k < d; k++) {
            s += w[k] * x[o + k];
        }
        return s;
    }

    /** Result of {@link #train}: the model and how the solve went. */
    public record Fit(LinearSvm svm, Stats stats) {
    }

    /**
     * Trains on rows {@code rows} of x ([*, d] flat) with labels y (+1 / -1, same length as rows).
     */
    public static Fit train(float[] x, int d, int[] rows, boolean[] positive, Options o) {
        int n = rows.length;
        if (positive.length != n) {
            throw new IllegalArgumentException("positive: expected " + n + " labels, got " + positive.length);
        }
        double bm = o.biasMult();
        double[] wd = new double[d + 1]; // last: the bias feature's weight
        double[] alpha = new double[n];
        double[] qii = new double[n];
        double[] cap = new double[n];
        for (int i = 0; i < n; i++) {
            int r = rows[i] * d;
            double q = bm * bm;
            for (int k = 0; k < d; k++) {
                q += (double) x[r + k] * x[r + k];
            }
            qii[i] = q;
            cap[i] = positive[i] ? o.c() * o.posWeight() : o.c();
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(o.seed());
        boolean converged = false;
        int epoch = 0;
        while (epoch < o.maxEpochs()) {
            epoch++;
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            double maxPg = Double.NEGATIVE_INFINITY;
            double minPg = Double.POSITIVE_INFINITY;
            for (int s = 0; s < n; s++) {
                int i = order[s];
                int r = rows[i] * d;
                double yi = positive[i] ? 1 : -1;
                double dot = wd[d] * bm;
                for (int k = 0; k < d; k++) {
                    dot += wd[k] * x[r + k];
                }
                double g = yi * dot - 1;
                double pg = g;
                if (alpha[i] == 0) {
                    pg = Math.min(g, 0);
                } else if (alpha[i] == cap[i]) {
                    pg = Math.max(g, 0);
                }
                maxPg = Math.max(maxPg, pg);
                minPg = Math.min(minPg, pg);
                if (pg != 0 && qii[i] > 0) {
                    double old = alpha[i];
                    alpha[i] = Math.min(Math.max(old - g / qii[i], 0), cap[i]);
                    double step = (alpha[i] - old) * yi;
                    if (step != 0) {
                        for (int k = 0; k < d; k++) {
                            wd[k] += step * x[r + k];
                        }
                        wd[d] += step * bm;
                    }
                }
            }
            if (n == 0 || maxPg - minPg < o.tolerance()) {
                converged = true;
                break;
            }
        }
        float[] wf = new float[d];
        for (int k = 0; k < d; k++) {
            wf[k] = (float) wd[k];
        }
        LinearSvm svm = new LinearSvm(wf, (float) (wd[d] * bm));
        double obj = 0;
        for (int k = 0; k <= d; k++) {
            obj += 0.5 * wd[k] * wd[k];
        }
        for (int i = 0; i < n; i++) {
            double m = (positive[i] ? 1 : -1) * svm.score(x, rows[i]);
            obj += cap[i] * Math.max(0, 1 - m);
        }
        return new Fit(svm, new Stats(epoch, converged, obj));
    }
}
