package org.rcnn4j.backend.cpu;

import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.backend.*;

/** SKELETON: placeholder until this kernel family lands; replaced, never shipped. */
final class RoiPoolCpu {
    private RoiPoolCpu() {
    }
    static RoiPoolResult forward(Tensor input, Tensor boxes, int outputHeight, int outputWidth, float spatialScale) { throw new UnsupportedOperationException("not implemented yet"); }
    static Tensor backward(Tensor gradOutput, Tensor boxes, Tensor argmax, int[] inputShape) { throw new UnsupportedOperationException("not implemented yet"); }
}
