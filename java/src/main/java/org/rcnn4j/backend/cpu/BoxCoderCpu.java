package org.rcnn4j.backend.cpu;

import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.backend.*;

/** SKELETON: placeholder until this kernel family lands; replaced, never shipped. */
final class BoxCoderCpu {
    private BoxCoderCpu() {
    }
    static Tensor decode(Tensor relCodes, Tensor boxes, float[] weights, float bboxXformClip) { throw new UnsupportedOperationException("not implemented yet"); }
    static Tensor encode(Tensor referenceBoxes, Tensor proposals, float[] weights) { throw new UnsupportedOperationException("not implemented yet"); }
}
