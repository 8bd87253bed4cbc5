package org.rcnn4j.backend;

import org.rcnn4j.tensor.Tensor;

/**
 * F.max_pool2d on F32 or F64 [N,C,H,W] (dilation 1, floor mode, padding as -inf; NaN wins as in torch) and its
 * gradient routed through the argmax. Arguments are checked by the caller (kernel &ge; 1, stride &ge; 1,
 * 0 &le; padding &le; kernel/2, a non-empty output). Reached as {@code backend.maxPool()}; cuda/max_pool.cu on
 * the device.
 */
public interface MaxPool {
    /** The pooled output [N,C,oh,ow] and the winning y*W+x within each plane, I32 of the same shape. */
    record Pooled(Tensor output, Tensor argmax) {
    }

    /** oh = (in + 2 padding - kernel) / stride + 1 (floor mode). */
    static int outSize(int in, int kernel, int stride, int padding) {
        return (in + 2 * padding - kernel) / stride + 1;
    }

    Pooled maxPool2d(Tensor x, int kernel, int stride, int padding);

    /** The input's gradient (shape inputShape) from the output's gradient g and the forward's argmax. */
    Tensor maxPool2dBackward(Tensor g, Tensor argmax, int[] inputShape, int kernel, int stride, int padding);
}
