package org.rcnn4j.backend;

import org.rcnn4j.tensor.Tensor;

/**
 * Elementwise ops on F32 or F64 tensors of one shape (no broadcasting), the arithmetic autograd builds its
 * elementwise ops, gradient sums and optimizer steps from. F32 computes in float (coefficients rounded to float
 * first), F64 in double. Results are fresh tensors of the operands' dtype and shape. Reached as
 * {@code backend.elementwise()}; cuda/elementwise.cu on the device.
 */
public interface Elementwise {
    /** alpha * x + beta * y. */
    Tensor axpby(Tensor x, Tensor y, double alpha, double beta);

    /** s * x. */
    Tensor scale(Tensor x, double s);

    /** x * y. */
    Tensor mul(Tensor x, Tensor y);

    /** max(x, 0), NaN kept (torch.relu). */
    Tensor relu(Tensor x);

    /** g where y &gt; 0, else 0; y is relu's output. */
    Tensor reluBackward(Tensor g, Tensor y);

    /** 1 / (1 + exp(-x)), split on the sign of x so exp never overflows. */
    Tensor sigmoid(Tensor x);

    /** g * y * (1 - y); y is sigmoid's output. */
    Tensor sigmoidBackward(Tensor g, Tensor y);
}
