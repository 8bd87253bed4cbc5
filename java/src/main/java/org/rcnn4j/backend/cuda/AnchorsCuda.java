package org.rcnn4j.backend.cuda;
import org.rcnn4j.cuda.CudaDevice;

import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.backend.*;

/** SKELETON: placeholder until this kernel family lands; replaced, never shipped. */
final class AnchorsCuda {
    private final CudaDevice device;

    AnchorsCuda(CudaDevice device) {
        this.device = device;
    }
    Tensor anchors(int[] sizes, float[] aspectRatios, int imageHeight, int imageWidth, int featureHeight, int featureWidth) { throw new UnsupportedOperationException("not implemented yet"); }
}
