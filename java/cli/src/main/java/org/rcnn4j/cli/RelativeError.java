package org.rcnn4j.cli;

import org.rcnn4j.tensor.Tensor;

/** How an output is compared with torchvision's: relative to the largest expected magnitude. */
final class Compare {
    private Compare() {
    }

    /**
     * max|actual - expected| / max|expected| over elements of the same shape; integer tensors give 0 when equal and
     * infinity otherwise; a NaN where the other has none gives infinity.
     */
    static double relativeError(Tensor expected, Tensor actual) {
        int n = expected.numel();
        if (expected.dtype().isInteger() || actual.dtype().isInteger()) {
            for (int i = 0; i < n; i++) {
                if (expected.getDouble(i) != actual.getDouble(i)) {
                    return Double.POSITIVE_INFINITY;
                }
            }
            return 0;
        }
        double scale = 0;
        for (int i = 0; i < n; i++) {
            double e = expected.getDouble(i);
            if (Double.isFinite(e)) {
                scale = Math.max(scale, Math.abs(e));
            }
        }
        scale = Math.max(scale, 1e-30);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double e = expected.getDouble(i);
            double a = actual.getDouble(i);
            if (Double.isNaN(e) || Double.isNaN(a) || Double.isInfinite(e) || Double.isInfinite(a)) {
                if (!(Double.compare(e, a) == 0)) {
                    return Double.POSITIVE_INFINITY;
                }
                continue;
            }
            worst = Math.max(worst, Math.abs(a - e) / scale);
        }
        return worst;
    }
}
