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

    /**
     * Training batch norm's batch mean from per-channel sums [C] (F32 or F64) of {@code count} values each, in
     * double as the host would compute it: state F64 [1, C] = sums * (1.0 / count), values [1, C] = -mean rounded
     * to the sums' dtype (the shift that centers the input). No host copy on a device.
     */
    BatchNormStats batchNormMean(Tensor sums, long count);

    /**
     * Training batch norm's coefficients, in double, from the state of {@link #batchNormMean} ({@code mean}) and
     * the per-channel sums of squared deviations [C]: var = squares * (1.0 / count), invstd = 1 / sqrt(var + eps),
     * a = weight * invstd, shift = bias - mean * a (weight 1 and bias 0 when null). Returns state F64 [3, C] =
     * {mean, invstd, a} and values [2, C] = {a, shift} in the squares' dtype. The running statistics (either may be
     * null; [C], that dtype) are updated in place: (1 - momentum) * r + momentum * mean and
     * (1 - momentum) * r + momentum * var * count / (count - 1), rounded once.
     */
    BatchNormStats batchNormCoefficients(Tensor mean, Tensor squares, Tensor runningMean, Tensor runningVar,
            Tensor weight, Tensor bias, long count, double momentum, double eps);

    /**
     * Training batch norm's backward terms [4, C] in the sums' dtype, computed in double from the state of
     * {@link #batchNormCoefficients} and the per-channel sums of g and of g * x: dgamma = invstd * (sumDyX - mean *
     * sumDy), a, p = -a * invstd * dgamma / count and q = -a * sumDy / count - p * mean (d input = a * g + p * x + q).
     */
    Tensor batchNormBackwardTerms(Tensor state, Tensor sumDy, Tensor sumDyX, long count);
}
