package org.rcnn4j.backend.cpu;

import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.backend.*;

/** SKELETON: placeholder until this kernel family lands; replaced, never shipped. */
final class BoxOpsCpu {
    private BoxOpsCpu() {
    }
    static Tensor boxIou(Tensor a, Tensor b) { throw new UnsupportedOperationException("not implemented yet"); }
    static Tensor clipBoxesToImage(Tensor boxes, int height, int width) { throw new UnsupportedOperationException("not implemented yet"); }
    static Tensor removeSmallBoxes(Tensor boxes, float minSize) { throw new UnsupportedOperationException("not implemented yet"); }
}
