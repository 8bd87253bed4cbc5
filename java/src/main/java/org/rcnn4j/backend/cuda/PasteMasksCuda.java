package org.rcnn4j.backend.cuda;
import org.rcnn4j.cuda.CudaDevice;

import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.backend.*;

/** SKELETON: placeholder until this kernel family lands; replaced, never shipped. */
final class PasteMasksCuda {
    private final CudaDevice device;

    PasteMasksCuda(CudaDevice device) {
        this.device = device;
    }
    Tensor paste(Tensor masks, Tensor boxes, int imageHeight, int imageWidth, int padding) { throw new UnsupportedOperationException("not implemented yet"); }
}
