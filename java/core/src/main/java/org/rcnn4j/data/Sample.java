package org.rcnn4j.data;

import org.rcnn4j.tensor.Tensor;

/**
 * One detection example, in torchvision's target layout.
 *
 * @param image  F32 [3, H, W], RGB in [0, 1]
 * @param boxes  F32 [n, 4], (x1, y1, x2, y2) in pixel-edge coordinates: a box covering pixel columns a..b has
 *               x1 = a, x2 = b + 1
 * @param labels I64 [n], class ids 1..K (0 is background and never appears)
 * @param masks  U8 [n, H, W], 1 where the instance is visible
 */
public record Sample(Tensor image, Tensor boxes, Tensor labels, Tensor masks) {
    public int height() {
        return image.shape()[1];
    }

    public int width() {
        return image.shape()[2];
    }

    public int count() {
        return boxes.shape()[0];
    }
}
