package org.rcnn4j.backend;

import org.rcnn4j.tensor.Tensor;

/**
 * Dense linear algebra: the GEMM that linear layers stand on.
 * Reached as {@code backend.linalg()}; the conventions (ownership, dtypes, argument checks) are {@link Backend}'s.
 */
public interface Linalg {
    /**
     * C = op(A) op(B) for 2-D F32/F64 tensors, op transposing when asked: [M,K] x [K,N] gives [M,N]. The GEMM
     * that linear layers (y = x W^T + b) stand on.
     */
    Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB);
}
