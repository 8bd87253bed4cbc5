package org.rcnn4j.backend;

import java.util.Optional;
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

    /**
     * torch.nn.functional.linear with a bias, input [M,K] . weight[N,K]^T + bias [N], as one library call where the
     * family has one (cuBLAS: the output preset to the broadcast bias, then the GEMM with beta = 1, as torch's addmm);
     * empty where it has none, and F.linear composes {@link #matmul} and the bias add (the CPU backend's arithmetic).
     */
    default Optional<Tensor> linearWithBias(Tensor input, Tensor weight, Tensor bias) {
        return Optional.empty();
    }
}
