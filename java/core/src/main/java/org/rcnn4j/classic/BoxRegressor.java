package org.rcnn4j.classic;

/**
 * R-CNN's class-specific bounding-box regressor (appendix C): from a proposal P's features, ridge regression
 * predicts t = ((Gx - Px) / Pw, (Gy - Py) / Ph, log(Gw / Pw), log(Gh / Ph)) (centres, widths, heights), one linear
 * map per target with an unregularised intercept; the paper's lambda is 1000. Boxes are (x1, y1, x2, y2).
 */
public final class BoxRegressor {
    public static final double PAPER_LAMBDA = 1000;
    /** Training pairs: proposals overlapping their ground truth by at least this much (the paper's 0.6). */
    public static final double MIN_IOU = 0.6;

    private final int d;
    /** [4][d + 1]: weights then intercept per target. */
    private final double[][] coef;

    private BoxRegressor(int d, double[][] coef) {
        this.d = d;
        this.coef = coef;
    }

    public int dim() {
        return d;
    }

    /** Coefficients of target t (0..3: tx, ty, tw, th): d weights, then the intercept. */
    public double[] coefficients(int t) {
        return coef[t].clone();
    }

    /**
     * Fits the four ridge regressions: x [*, d] flat features, rows the training rows, targets [rows.length, 4]
     * flat. Solved by Cholesky on the centred normal equations.
     */
    public static BoxRegressor fit(float[] x, int d, int[] rows, double[] targets, double lambda) {
        int n = rows.length;
        if (targets.length != 4 * n) {
            throw new IllegalArgumentException("targets: expected " + 4 * n + " values, got " + targets.length);
        }
        if (!(lambda >= 0)) {
            throw new IllegalArgumentException("lambda must be >= 0, got " + lambda);
        }
        double[][] coef = new double[4][d + 1];
        if (n == 0) {
            return new BoxRegressor(d, coef); // no data: predict no change
        }
        double[] mx = new double[d];
        double[] my = new double[4];
        for (int i = 0; i < n; i++) {
            int r = rows[i] * d;
            for (int k = 0; k < d; k++) {
                mx[k] += x[r + k];
            }
            for (int t = 0; t < 4; t++) {
                my[t] += targets[4 * i + t];
            }
        }
        for (int k = 0; k < d; k++) {
            mx[k] /= n;
        }
        for (int t = 0; t < 4; t++) {
            my[t] /= n;
        }
        // centring leaves the intercept out of the penalty
        double[] a = new double[d * d];
        double[][] rhs = new double[4][d];
        double[] xc = new double[d];
        for (int i = 0; i < n; i++) {
            int r = rows[i] * d;
            for (int k = 0; k < d; k++) {
                xc[k] = x[r + k] - mx[k];
            }
            for (int p = 0; p < d; p++) {
                double v = xc[p];
                if (v == 0) {
                    continue;
                }
                for (int q = p; q < d; q++) {
                    a[p * d + q] += v * xc[q];
                }
                for (int t = 0; t < 4; t++) {
                    rhs[t][p] += v * (targets[4 * i + t] - my[t]);
                }
            }
        }
        for (int p = 0; p < d; p++) {
            // a tiny floor keeps lambda = 0 solvable when a feature is constant (dead relu)
            a[p * d + p] += Math.max(lambda, 1e-9);
            for (int q = 0; q < p; q++) {
                a[p * d + q] = a[q * d + p];
            }
        }
        double[] l = cholesky(a, d);
        for (int t = 0; t < 4; t++) {
            double[] w = solve(l, d, rhs[t]);
            double icpt = my[t];
            for (int k = 0; k < d; k++) {
                coef[t][k] = w[k];
                icpt -= w[k] * mx[k];
            }
            coef[t][d] = icpt;
        }
        return new BoxRegressor(d, coef);
    }

    /** Predicted (tx, ty, tw, th) for row {@code row} of x. */
    public double[] predict(float[] x, int row) {
        double[] t = new double[4];
        int r = row * d;
        for (int j = 0; j < 4; j++) {
            double s = coef[j][d];
            for (int k = 0; k < d; k++) {
                s += coef[j][k] * x[r + k];
            }
            t[j] = s;
        }
        return t;
    }

    /** The regression targets of proposal p towards ground truth g (both x1, y1, x2, y2). */
    public static double[] targets(float[] p, float[] g) {
        double pw = p[2] - p[0];
        double ph = p[3] - p[1];
        double gw = g[2] - g[0];
        double gh = g[3] - g[1];
        return new double[] {(g[0] + 0.5 * gw - (p[0] + 0.5 * pw)) / pw, (g[1] + 0.5 * gh - (p[1] + 0.5 * ph)) / ph,
            Math.log(gw / pw), Math.log(gh / ph)};
    }

    /**
     * Applies offsets t to proposal p: the predicted box (x1, y1, x2, y2). Log-size offsets are clamped at
     * log(1000 / 16), as torchvision's box coder does, so a wild prediction cannot overflow.
     */
    public static float[] apply(float[] p, double[] t) {
        double clamp = Math.log(1000.0 / 16);
        double pw = p[2] - p[0];
        double ph = p[3] - p[1];
        double cx = p[0] + 0.5 * pw + t[0] * pw;
        double cy = p[1] + 0.5 * ph + t[1] * ph;
        double w = pw * Math.exp(Math.min(t[2], clamp));
        double h = ph * Math.exp(Math.min(t[3], clamp));
        return new float[] {(float) (cx - 0.5 * w), (float) (cy - 0.5 * h), (float) (cx + 0.5 * w),
            (float) (cy + 0.5 * h)};
    }

    private static double[] cholesky(double[] a, int n) {
        double[] l = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i * n + j];
                for (int k = 0; k < j; k++) {
                    s -= l[i * n + k] * l[j * n + k];
                }
                if (i == j) {
                    if (!(s > 0)) {
                        throw new IllegalStateException("normal equations not positive definite at " + i);
                    }
                    l[i * n + i] = Math.sqrt(s);
                } else {
                    l[i * n + j] = s / l[j * n + j];
                }
            }
        }
        return l;
    }

    private static double[] solve(double[] l, int n, double[] b) {
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= l[i * n + k] * y[k];
            }
            y[i] = s / l[i * n + i];
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < n; k++) {
                s -= l[k * n + i] * x[k];
            }
            x[i] = s / l[i * n + i];
        }
        return x;
    }
}
