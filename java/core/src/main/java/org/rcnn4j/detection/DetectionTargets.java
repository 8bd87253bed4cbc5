package org.rcnn4j.detection;

import org.rcnn4j.data.Sample;
import org.rcnn4j.tensor.Tensor;

/**
 * One image's ground truth in torchvision's target layout, host tensors: boxes F32 [G, 4] (x1, y1, x2, y2),
 * labels I64 [G] (1..num_classes-1), masks U8 [G, H, W] (Mask R-CNN only, else null).
 */
public record DetectionTargets(Tensor boxes, Tensor labels, Tensor masks) {

    public static DetectionTargets of(Sample s) {
        return new DetectionTargets(s.boxes(), s.labels(), s.masks());
    }

    public int count() {
        return boxes.shape()[0];
    }
}
