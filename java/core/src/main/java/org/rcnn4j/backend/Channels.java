package org.rcnn4j.backend;

import org.rcnn4j.tensor.Tensor;

/**
 * Per-channel and per-plane ops on [N,C,...] feature maps that autograd builds detector layers from: batch
 * norm's affine map and sums (FrozenBatchNorm2d, BatchNorm2d) and nearest upsampling (the FPN's top-down path).
 * Reached as {@code backend.channels()}; the conventions (ownership, dtypes, argument checks) are {@link Backend}'s.
 */
public interface Channels {
    /**
     * input [N,C,...] * scale[c] + shift[c] for channel c = dim 1 (F32 or F64; scale and shift [C] of the same dtype,
     * either may be null: 1 and 0). FrozenBatchNorm2d's and eval batch norm's forward.
     */
    Tensor channelAffine(Tensor input, Tensor scale, Tensor shift);

    /**
     * Per-channel sums [C] over every dim but 1 of input [N,C,...], of input * other (same shape and dtype) when
     * other is not null. F32 sums may be accumulated in float on the device.
     */
    Tensor channelSum(Tensor input, Tensor other);

    /**
     * F.interpolate(input [N,C,H,W], size=(outputHeight, outputWidth), mode='nearest'): source index
     * min(floor(dst * (float) in / out), in - 1), torch's rule.
     */
    Tensor upsampleNearest(Tensor input, int outputHeight, int outputWidth);

    /** Gradient of upsample_nearest with respect to its input, of shape inputShape [N,C,H,W]. */
    Tensor upsampleNearestBackward(Tensor gradOutput, int[] inputShape);
}
