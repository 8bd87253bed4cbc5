package org.rcnn4j.backend;

import org.rcnn4j.tensor.Tensor;

/**
 * Whole-tensor reductions of F32 or F64 tensors and their adjoint. Sums accumulate in double in a fixed order
 * (deterministic). Reached as {@code backend.reduce()}; cuda/reduce.cu on the device.
 */
public interface Reduce {
    /** scale * the sum of all elements of x (scale 1: sum, 1/numel: mean): a fresh 0-dim tensor of x's dtype. */
    Tensor sum(Tensor x, double scale);

    /**
     * A fresh tensor of {@code shape} and g's dtype filled with g * scale, g a one-element tensor (sum's backward:
     * the upstream gradient stays on the backend).
     */
    Tensor fill(Tensor g, double scale, int[] shape);
}
