package org.rcnn4j.detection;

import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.Tensor;

/**
 * torchvision.models.detection._utils.Matcher: assigns each prediction (column of an IoU matrix [G,N]) the ground
 * truth it overlaps most, or {@link #BELOW_LOW_THRESHOLD} / {@link #BETWEEN_THRESHOLDS}.
 *
 * <p>Thresholds compare in float32 against the float32 IoUs, as torch does with a Python scalar. Ties in the
 * best ground truth go to the lowest index. With low-quality matches, every prediction that reaches some ground
 * truth's best IoU gets its argmax match back, even when that best IoU is 0 (torchvision's behaviour: a ground
 * truth that touches no prediction restores every prediction at IoU 0 to its argmax).
 *
 * <p>An empty matrix throws as torchvision does; the RPN and RoIHeads never call the matcher for an image without
 * ground truth ({@link RpnTargets} labels all its anchors background, {@link RoiTargets} all its proposals).
 */
public final class Matcher {
    public static final long BELOW_LOW_THRESHOLD = -1;
    public static final long BETWEEN_THRESHOLDS = -2;

    private final float high;
    private final float low;
    private final boolean allowLowQualityMatches;

    public Matcher(float highThreshold, float lowThreshold, boolean allowLowQualityMatches) {
        if (!(lowThreshold <= highThreshold)) {
            throw new IllegalArgumentException("low_threshold must be <= high_threshold, got " + lowThreshold
                    + " and " + highThreshold);
        }
        this.high = highThreshold;
        this.low = lowThreshold;
        this.allowLowQualityMatches = allowLowQualityMatches;
    }

    /** RPN's matcher: 0.7 / 0.3 with low-quality matches. */
    public static Matcher rpn() {
        return new Matcher(0.7f, 0.3f, true);
    }

    /** RoIHeads' matcher: 0.5 / 0.5 without low-quality matches. */
    public static Matcher roiHeads() {
        return new Matcher(0.5f, 0.5f, false);
    }

    /** match_quality_matrix [G,N] (F32) to matches I64 [N] on the same backend. */
    public Tensor match(Backend backend, Tensor matchQualityMatrix) {
        if (matchQualityMatrix.dim() != 2) {
            throw new IllegalArgumentException("match_quality_matrix: expected [G,N], got " + matchQualityMatrix);
        }
        int g = matchQualityMatrix.size(0);
        int n = matchQualityMatrix.size(1);
        return Host.longsOn(backend, match(Host.floats(backend, matchQualityMatrix), g, n), n);
    }

    /** The same on a host row-major [g,n] array. */
    public long[] match(float[] iou, int g, int n) {
        if (g == 0) {
            throw new IllegalArgumentException("match_quality_matrix: No ground-truth boxes available for one of "
                    + "the images during training");
        }
        if (n == 0) {
            throw new IllegalArgumentException("match_quality_matrix: No proposal boxes available for one of the "
                    + "images during training");
        }
        long[] matches = new long[n];
        float[] best = new float[n];
        for (int j = 0; j < n; j++) {
            float v = iou[j];
            int arg = 0;
            for (int i = 1; i < g; i++) {
                float x = iou[i * n + j];
                if (x > v || (Float.isNaN(x) && !Float.isNaN(v))) {
                    v = x;
                    arg = i;
                }
            }
            best[j] = v;
            matches[j] = arg;
        }
        long[] all = allowLowQualityMatches ? matches.clone() : null;
        for (int j = 0; j < n; j++) {
            if (best[j] < low) {
                matches[j] = BELOW_LOW_THRESHOLD;
            } else if (best[j] < high) {
                matches[j] = BETWEEN_THRESHOLDS;
            }
        }
        if (allowLowQualityMatches) {
            for (int i = 0; i < g; i++) {
                float top = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    top = Math.max(top, iou[i * n + j]);
                }
                for (int j = 0; j < n; j++) {
                    if (iou[i * n + j] == top) {
                        matches[j] = all[j];
                    }
                }
            }
        }
        return matches;
    }
}
