package org.rcnn4j.backend;

import org.rcnn4j.tensor.Tensor;

/**
 * conv2d and its gradients (also conv_transpose2d's forward, which is conv2d's input gradient).
 * Reached as {@code backend.conv()}; the conventions (ownership, dtypes, argument checks) are {@link Backend}'s.
 */
public interface Conv {
    /** torch.nn.functional.conv2d: input [N,C,H,W], weight [O,C/groups,kh,kw], bias [O] or null. */
    Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params);

    /**
     * relu(conv2d(input, weight, bias)) for inference (no gradient): the convolution + bias + ReLU of the backbones,
     * the FPN's consumers and the heads in one step where the implementation fuses them (cuDNN's
     * cudnnConvolutionBiasActivationForward); elsewhere conv2d then relu, with exactly the two ops' arithmetic.
     * bias [O] is required.
     */
    Tensor conv2dBiasRelu(Tensor input, Tensor weight, Tensor bias, Conv2dParams params);

    /** Gradients of conv2d; gradBias is null when {@code withBias} is false. */
    Conv2dGrads conv2dBackward(Tensor gradOutput, Tensor input, Tensor weight, Conv2dParams params,
            boolean withBias);

    /**
     * conv2d's input gradient alone: gradInput of shape inputShape [N,C,H,W] given gradOutput, the output of
     * conv2d(input, weight, params). Also F.conv_transpose2d's forward (input = gradOutput, weight [in, out/groups,
     * kh, kw]).
     */
    Tensor conv2dGradInput(Tensor gradOutput, Tensor weight, int[] inputShape, Conv2dParams params);

    /** conv2d's weight gradient alone, of shape weightShape [O,C/groups,kh,kw]. */
    Tensor conv2dGradWeight(Tensor gradOutput, Tensor input, int[] weightShape, Conv2dParams params);
}
