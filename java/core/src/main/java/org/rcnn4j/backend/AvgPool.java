package org.rcnn4j.backend;

import org.rcnn4j.tensor.Tensor;

/**
 * F.adaptive_avg_pool2d on F32 or F64 [N,C,H,W]: output cell (i, j) averages input rows [floor(i*H/oh),
 * ceil((i+1)*H/oh)) and the matching columns, in double. Reached as {@code backend.avgPool()}. GAP: no device
 * kernel (VGG's classifier input is its only user): the CUDA backend computes it on a host copy.
 */
public interface AvgPool {
    Tensor adaptiveAvgPool2d(Tensor x, int outputHeight, int outputWidth);

    /** The input's gradient (shape inputShape) from the output's gradient g. */
    Tensor adaptiveAvgPool2dBackward(Tensor g, int[] inputShape);
}
