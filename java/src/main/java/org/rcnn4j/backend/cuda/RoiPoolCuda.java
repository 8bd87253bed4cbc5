package org.rcnn4j.backend.cuda;
import org.rcnn4j.cuda.CudaDevice;

import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.backend.*;

/** SKELETON: placeholder until this kernel family lands; replaced, never shipped. */
final class RoiPoolCuda {
    private final CudaDevice device;

    RoiPoolCuda(CudaDevice device) {
        this.device = device;
    }
    RoiPoolResult forward(Tensor input, Tensor boxes, int outputHeight, int outputWidth, float spatialScale) { throw new UnsupportedOperationException("not implemented yet"); }
    Tensor backward(Tensor gradOutput, Tensor boxes, Tensor argmax, int[] inputShape) { throw new UnsupportedOperationException("not implemented yet"); }
}
