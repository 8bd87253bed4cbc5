package org.rcnn4j.backend;

import org.rcnn4j.tensor.Tensor;

/**
 * The detection losses (torch.nn.functional's formulas) and their gradients on F32 or F64 tensors; forwards give
 * a 0-dim tensor of the input's dtype, backwards read the upstream gradient g (one element) on the backend. The
 * CPU computes in double whatever the dtype. Reached as {@code backend.losses()}; cuda/losses.cu on the device.
 */
public interface Losses {
    /** scale * the sum of smooth_l1(x - y, beta) (scale 1: sum, 1/numel: mean); x and y of one shape. */
    Tensor smoothL1(Tensor x, Tensor y, double beta, double scale);

    /** {d x, d y} of {@link #smoothL1} for upstream gradient g; one not wanted is null (not computed). */
    Tensor[] smoothL1Backward(Tensor x, Tensor y, double beta, double scale, Tensor g, boolean wantX,
            boolean wantY);

    /** The mean of binary_cross_entropy_with_logits(x, y). */
    Tensor bceWithLogits(Tensor x, Tensor y);

    /** {d x, d y} of {@link #bceWithLogits} for upstream gradient g; one not wanted is null. */
    Tensor[] bceWithLogitsBackward(Tensor x, Tensor y, Tensor g, boolean wantX, boolean wantY);

    /**
     * A cross entropy forward: the loss (0-dim, x's dtype) and what its backward needs (an implementation's own
     * tensor, to pass back unchanged). The caller owns both.
     */
    record CrossEntropy(Tensor loss, Tensor saved) {
    }

    /**
     * Mean cross entropy of x [rows, classes] against target (I64 or I32 [rows]) skipping rows whose target is
     * ignoreIndex (NaN when all are). A target outside [0, classes) that is not ignoreIndex throws
     * IllegalArgumentException naming it.
     */
    CrossEntropy crossEntropy(Tensor x, Tensor target, long ignoreIndex);

    /** d x of {@link #crossEntropy} for upstream gradient g, from the forward's saved tensor. */
    Tensor crossEntropyBackward(Tensor x, Tensor target, long ignoreIndex, Tensor saved, Tensor g);
}
