package org.rcnn4j.backend.cuda;
import org.rcnn4j.cuda.CudaDevice;

import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.backend.*;

/** SKELETON: placeholder until this kernel family lands; replaced, never shipped. */
final class BoxOpsCuda {
    private final CudaDevice device;

    BoxOpsCuda(CudaDevice device) {
        this.device = device;
    }
    Tensor boxIou(Tensor a, Tensor b) { throw new UnsupportedOperationException("not implemented yet"); }
    Tensor clipBoxesToImage(Tensor boxes, int height, int width) { throw new UnsupportedOperationException("not implemented yet"); }
    Tensor removeSmallBoxes(Tensor boxes, float minSize) { throw new UnsupportedOperationException("not implemented yet"); }
}
