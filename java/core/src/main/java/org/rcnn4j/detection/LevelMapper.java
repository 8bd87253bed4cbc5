package org.rcnn4j.detection;

import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.Tensor;

/**
 * torchvision.ops.poolers.LevelMapper (FPN paper eq. 1): level = floor(4 + log2(sqrt(area) / 224) + 1e-6),
 * clamped to [kMin, kMax], minus kMin. Every step in float32 as torchvision. A box with a NaN area maps to
 * {@link #NO_LEVEL} (torchvision's NaN level matches no level, so its pooled row stays zero).
 */
public final class LevelMapper {
    public static final int NO_LEVEL = -1;
    private static final float CANONICAL_SCALE = 224f;
    private static final float CANONICAL_LEVEL = 4f;
    private static final float EPS = 1e-6f;
    private static final double LN2 = Math.log(2.0);

    private final int kMin;
    private final int kMax;

    public LevelMapper(int kMin, int kMax) {
        if (kMin > kMax) {
            throw new IllegalArgumentException("k_min must be <= k_max, got " + kMin + " and " + kMax);
        }
        this.kMin = kMin;
        this.kMax = kMax;
    }

    /** The level index (0 = kMin) of one box. */
    public int level(float x1, float y1, float x2, float y2) {
        float area = (x2 - x1) * (y2 - y1);
        float s = (float) Math.sqrt(area);
        float log2 = (float) (Math.log(s / CANONICAL_SCALE) / LN2);
        float lvl = (float) Math.floor((CANONICAL_LEVEL + log2) + EPS);
        if (Float.isNaN(lvl)) {
            return NO_LEVEL;
        }
        lvl = Math.max(kMin, Math.min(kMax, lvl));
        return (int) lvl - kMin;
    }

    /** Levels of boxes [K,4] (host float array). */
    public int[] levels(float[] boxes) {
        int[] out = new int[boxes.length / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = level(boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]);
        }
        return out;
    }

    public int[] levels(Backend backend, Tensor boxes) {
        Host.rowsOf(boxes, "boxes");
        return levels(Host.floats(backend, boxes));
    }
}
