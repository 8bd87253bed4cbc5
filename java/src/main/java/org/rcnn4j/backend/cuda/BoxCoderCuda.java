package org.rcnn4j.backend.cuda;
import org.rcnn4j.cuda.CudaDevice;

import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.backend.*;

/** SKELETON: placeholder until this kernel family lands; replaced, never shipped. */
final class BoxCoderCuda {
    private final CudaDevice device;

    BoxCoderCuda(CudaDevice device) {
        this.device = device;
    }
    Tensor decode(Tensor relCodes, Tensor boxes, float[] weights, float bboxXformClip) { throw new UnsupportedOperationException("not implemented yet"); }
    Tensor encode(Tensor referenceBoxes, Tensor proposals, float[] weights) { throw new UnsupportedOperationException("not implemented yet"); }
}
