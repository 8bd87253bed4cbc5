package org.rcnn4j.backend;

import org.rcnn4j.tensor.Tensor;

/**
 * F.adaptive_avg_pool2d on F32 or F64 [N,C,H,W]: output cell (i, j) averages input rows [floor(i*H/oh),
 * ceil((i+1)*H/oh)) and the matching columns, in double. Reached as {@code backend.avgPool()}; cuda/avg_pool.cu on
 * the CUDA backend (the same float results).
 */
public interface AvgPool {
    Tensor adaptiveAvgPool2d(Tensor x, int outputHeight, int outputWidth);

    /** The input's gradient (shape inputShape) from the output's gradient g. */
    Tensor adaptiveAvgPool2dBackward(Tensor g, int[] inputShape);
}
