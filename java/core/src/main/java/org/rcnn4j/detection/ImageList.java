package org.rcnn4j.detection;

import org.rcnn4j.tensor.Tensor;

/**
 * torchvision's ImageList: the padded batch [N, C, H, W] and each image's resized, unpadded (H, W)
 * ({@code imageSizes[i] = {h, w}}).
 */
public record ImageList(Tensor tensors, int[][] imageSizes) {
}
