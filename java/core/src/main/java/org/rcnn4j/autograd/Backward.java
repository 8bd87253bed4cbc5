package org.rcnn4j.autograd;

import org.rcnn4j.tensor.Tensor;

/**
 * The backward function of one recorded op: from the gradient of its output, the gradients of its inputs (one
 * per input, in order; null where an input needs none). Returned tensors must be fresh (owned by the caller, not
 * views of {@code gradOutput} or of each other): the engine closes them when consumed.
 */
@FunctionalInterface
public interface Backward {
    Tensor[] apply(Tensor gradOutput);
}
