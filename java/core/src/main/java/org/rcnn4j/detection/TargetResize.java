package org.rcnn4j.detection;

import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * GeneralizedRCNNTransform's resize of the targets along with their image: boxes scaled by resized / original
 * per axis (float32 ratios), masks resampled with nearest neighbour (source index floor(dst * in / out)).
 */
final class TargetResize {
    private TargetResize() {
    }

    static DetectionTargets resize(DetectionTargets t, int[] original, int[] resized) {
        if (original[0] == resized[0] && original[1] == resized[1]) {
            return t;
        }
        Tensor boxes = GeneralizedRcnnTransform.resizeBoxes(t.boxes(), original, resized);
        Tensor masks = t.masks() == null ? null : masks(t.masks(), resized[0], resized[1]);
        return new DetectionTargets(boxes, t.labels(), masks);
    }

    static Tensor masks(Tensor masks, int outH, int outW) {
        if (masks.dtype() != DType.U8 || masks.dim() != 3) {
            throw new IllegalArgumentException("masks must be U8 [G, H, W], got " + masks);
        }
        int g = masks.size(0);
        int h = masks.size(1);
        int w = masks.size(2);
        byte[] in = masks.bytes();
        byte[] out = new byte[g * outH * outW];
        float sy = (float) h / outH;
        float sx = (float) w / outW;
        for (int k = 0; k < g; k++) {
            for (int y = 0; y < outH; y++) {
                int srcY = Math.min((int) Math.floor(y * sy), h - 1);
                for (int x = 0; x < outW; x++) {
                    int srcX = Math.min((int) Math.floor(x * sx), w - 1);
                    out[(k * outH + y) * outW + x] = in[(k * h + srcY) * w + srcX];
                }
            }
        }
        return Tensor.ofBytes(out, g, outH, outW);
    }
}
