package org.rcnn4j.backend.cpu;

import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.backend.*;

/** SKELETON: placeholder until this kernel family lands; replaced, never shipped. */
final class NmsCpu {
    private NmsCpu() {
    }
    static Tensor nms(Tensor boxes, Tensor scores, float iouThreshold) { throw new UnsupportedOperationException("not implemented yet"); }
    static Tensor batchedNms(Tensor boxes, Tensor scores, Tensor idxs, float iouThreshold) { throw new UnsupportedOperationException("not implemented yet"); }
}
