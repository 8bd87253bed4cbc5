package org.rcnn4j.backend.cuda;
import org.rcnn4j.cuda.CudaDevice;

import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.backend.*;

/** SKELETON: placeholder until this kernel family lands; replaced, never shipped. */
final class RoiAlignCuda {
    private final CudaDevice device;

    RoiAlignCuda(CudaDevice device) {
        this.device = device;
    }
    Tensor forward(Tensor input, Tensor boxes, int outputHeight, int outputWidth, float spatialScale, int samplingRatio, boolean aligned) { throw new UnsupportedOperationException("not implemented yet"); }
    Tensor backward(Tensor gradOutput, Tensor boxes, int[] inputShape, float spatialScale, int samplingRatio, boolean aligned) { throw new UnsupportedOperationException("not implemented yet"); }
}
