package org.rcnn4j.backend.cpu;

import org.rcnn4j.backend.BatchNormStats;
import org.rcnn4j.backend.BatchNormStatsChecks;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * Training batch norm's per-channel bookkeeping on the host, in double: the reference the CUDA kernels
 * (cuda/batch_norm.cu) reproduce operation for operation, and the arithmetic batch norm has always done here.
 */
final class BatchNormStatsCpu {
    private BatchNormStatsCpu() {
    }

    static BatchNormStats mean(Tensor sums, long count) {
        int c = BatchNormStatsChecks.mean(sums, count);
        double scale = 1.0 / count;
        double[] mean = new double[c];
        double[] negMean = new double[c];
        for (int i = 0; i < c; i++) {
            mean[i] = sums.getDouble(i) * scale;
            negMean[i] = -mean[i];
        }
        return new BatchNormStats(Tensor.ofDoubles(mean, 1, c), rounded(negMean, sums.dtype(), 1, c));
    }

    static BatchNormStats coefficients(Tensor mean, Tensor squares, Tensor runningMean, Tensor runningVar,
            Tensor weight, Tensor bias, long count, double momentum, double eps) {
        int c = BatchNormStatsChecks.coefficients(mean, squares, runningMean, runningVar, weight, bias, count, momentum,
                eps);
        double[] m = mean.doubles();
        double[] var = new double[c];
        for (int i = 0; i < c; i++) {
            var[i] = squares.getDouble(i) * (1.0 / count);
        }
        if (runningMean != null) {
            double[] rm = new double[c];
            for (int i = 0; i < c; i++) {
                rm[i] = (1 - momentum) * runningMean.getDouble(i) + momentum * m[i];
            }
            overwrite(runningMean, rm);
        }
        if (runningVar != null) {
            double unbias = (double) count / (count - 1);
            double[] rv = new double[c];
            for (int i = 0; i < c; i++) {
                rv[i] = (1 - momentum) * runningVar.getDouble(i) + momentum * var[i] * unbias;
            }
            overwrite(runningVar, rv);
        }
        double[] state = new double[3 * c];
        double[] values = new double[2 * c];
        for (int i = 0; i < c; i++) {
            double invstd = 1.0 / Math.sqrt(var[i] + eps);
            double a = (weight == null ? 1.0 : weight.getDouble(i)) * invstd;
            double shift = (bias == null ? 0.0 : bias.getDouble(i)) - m[i] * a;
            state[i] = m[i];
            state[c + i] = invstd;
            state[2 * c + i] = a;
            values[i] = a;
            values[c + i] = shift;
        }
        return new BatchNormStats(Tensor.ofDoubles(state, 3, c), rounded(values, squares.dtype(), 2, c));
    }

    static Tensor backwardTerms(Tensor state, Tensor sumDy, Tensor sumDyX, long count) {
        int c = BatchNormStatsChecks.backwardTerms(state, sumDy, sumDyX, count);
        double[] s = state.doubles();
        double[] out = new double[4 * c];
        for (int i = 0; i < c; i++) {
            double mean = s[i];
            double invstd = s[c + i];
            double a = s[2 * c + i];
            double sdy = sumDy.getDouble(i);
            double sdyx = sumDyX.getDouble(i);
            double dgamma = invstd * (sdyx - mean * sdy);
            double p = -a * invstd * dgamma / count;
            double q = -a * sdy / count - p * mean;
            out[i] = dgamma;
            out[c + i] = a;
            out[2 * c + i] = p;
            out[3 * c + i] = q;
        }
        return rounded(out, sumDy.dtype(), 4, c);
    }

    /** d rounded once to dtype (F32 or F64). */
    private static Tensor rounded(double[] d, DType dtype, int... shape) {
        if (dtype == DType.F64) {
            return Tensor.ofDoubles(d, shape);
        }
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return Tensor.ofFloats(f, shape);
    }

    private static void overwrite(Tensor t, double[] v) {
        if (t.dtype() == DType.F64) {
            System.arraycopy(v, 0, t.doubles(), 0, v.length);
        } else {
            float[] f = t.floats();
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
        }
    }
}
