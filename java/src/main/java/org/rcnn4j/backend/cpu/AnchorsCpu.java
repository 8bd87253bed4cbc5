package org.rcnn4j.backend.cpu;

import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.backend.*;

/** SKELETON: placeholder until this kernel family lands; replaced, never shipped. */
final class AnchorsCpu {
    private AnchorsCpu() {
    }
    static Tensor anchors(int[] sizes, float[] aspectRatios, int imageHeight, int imageWidth, int featureHeight, int featureWidth) { throw new UnsupportedOperationException("not implemented yet"); }
}
