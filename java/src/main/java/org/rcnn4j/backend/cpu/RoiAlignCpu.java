package org.rcnn4j.backend.cpu;

import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.backend.*;

/** SKELETON: placeholder until this kernel family lands; replaced, never shipped. */
final class RoiAlignCpu {
    private RoiAlignCpu() {
    }
    static Tensor forward(Tensor input, Tensor boxes, int outputHeight, int outputWidth, float spatialScale, int samplingRatio, boolean aligned) { throw new UnsupportedOperationException("not implemented yet"); }
    static Tensor backward(Tensor gradOutput, Tensor boxes, int[] inputShape, float spatialScale, int samplingRatio, boolean aligned) { throw new UnsupportedOperationException("not implemented yet"); }
}
