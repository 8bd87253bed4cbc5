package org.rcnn4j.backend;

import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * Argument checks of training batch norm's per-channel ops ({@link Channels#batchNormMean} and the two after it),
 * shared by both backends so that they reject the same arguments. Each returns the number of channels.
 */
public final class BatchNormStatsChecks {
    private BatchNormStatsChecks() {
    }

    private static int channels(String name, Tensor t) {
        OpChecks.notNull(name, t);
        OpChecks.floating(name, t);
        if (t.dim() != 1) {
            throw new IllegalArgumentException(name + ": expected a [C] tensor, got " + t);
        }
        return t.size(0);
    }

    private static void count(long count) {
        if (count < 2) {
            throw new IllegalArgumentException("count: expected more than 1 value per channel, got " + count);
        }
    }

    private static void state(String name, Tensor t, int rows, int c) {
        OpChecks.notNull(name, t);
        if (t.dtype() != DType.F64 || t.dim() != 2 || t.size(0) < rows || t.size(1) != c) {
            throw new IllegalArgumentException(name + ": expected F64 [" + rows + ", " + c + "] (a batch norm state), "
                    + "got " + t);
        }
    }

    private static void optional(String name, Tensor t, String otherName, Tensor other) {
        if (t != null) {
            OpChecks.vector(name, t, other.size(0));
            OpChecks.sameDType(name, t, otherName, other);
        }
    }

    public static int mean(Tensor sums, long count) {
        int c = channels("sums", sums);
        count(count);
        return c;
    }

    public static int coefficients(Tensor mean, Tensor squares, Tensor runningMean, Tensor runningVar, Tensor weight,
            Tensor bias, long count, double momentum, double eps) {
        int c = channels("squares", squares);
        state("mean", mean, 1, c);
        optional("running_mean", runningMean, "squares", squares);
        optional("running_var", runningVar, "squares", squares);
        optional("weight", weight, "squares", squares);
        optional("bias", bias, "squares", squares);
        count(count);
        if (!Double.isFinite(momentum)) {
            throw new IllegalArgumentException("momentum: expected a finite number, got " + momentum);
        }
        if (!(eps > 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException("eps: expected a positive number, got " + eps);
        }
        return c;
    }

    public static int backwardTerms(Tensor state, Tensor sumDy, Tensor sumDyX, long count) {
        int c = channels("sum_dy", sumDy);
        state("state", state, 3, c);
        OpChecks.vector("sum_dy_x", sumDyX, c);
        OpChecks.sameDType("sum_dy_x", sumDyX, "sum_dy", sumDy);
        count(count);
        return c;
    }
}
