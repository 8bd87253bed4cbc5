package org.rcnn4j.backend.cuda;
import org.rcnn4j.cuda.CudaDevice;

import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.backend.*;

/** SKELETON: placeholder until this kernel family lands; replaced, never shipped. */
final class NmsCuda {
    private final CudaDevice device;

    NmsCuda(CudaDevice device) {
        this.device = device;
    }
    Tensor nms(Tensor boxes, Tensor scores, float iouThreshold) { throw new UnsupportedOperationException("not implemented yet"); }
    Tensor batchedNms(Tensor boxes, Tensor scores, Tensor idxs, float iouThreshold) { throw new UnsupportedOperationException("not implemented yet"); }
}
