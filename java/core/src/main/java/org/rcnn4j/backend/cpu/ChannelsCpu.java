package org.rcnn4j.backend.cpu;

import org.rcnn4j.backend.BatchNormStats;
import org.rcnn4j.backend.Channels;
import org.rcnn4j.tensor.Tensor;

/** The Channels family on the CPU: delegates to BatchNormCpu, BatchNormStatsCpu and UpsampleCpu. */
final class ChannelsCpu implements Channels {
    @Override
    public Tensor channelAffine(Tensor input, Tensor scale, Tensor shift) {
        return BatchNormCpu.channelAffine(input, scale, shift);
    }

    @Override
    public Tensor channelSum(Tensor input, Tensor other) {
        return BatchNormCpu.channelSum(input, other);
    }

    @Override
    public Tensor upsampleNearest(Tensor input, int outputHeight, int outputWidth) {
        return UpsampleCpu.nearest(input, outputHeight, outputWidth);
    }

    @Override
    public Tensor upsampleNearestBackward(Tensor gradOutput, int[] inputShape) {
        return UpsampleCpu.nearestBackward(gradOutput, inputShape);
    }

    @Override
    public BatchNormStats batchNormMean(Tensor sums, long count) {
        return BatchNormStatsCpu.mean(sums, count);
    }

    @Override
    public BatchNormStats batchNormCoefficients(Tensor mean, Tensor squares, Tensor runningMean, Tensor runningVar,
            Tensor weight, Tensor bias, long count, double momentum, double eps) {
        return BatchNormStatsCpu.coefficients(mean, squares, runningMean, runningVar, weight, bias, count, momentum,
                eps);
    }

    @Override
    public Tensor batchNormBackwardTerms(Tensor state, Tensor sumDy, Tensor sumDyX, long count) {
        return BatchNormStatsCpu.backwardTerms(state, sumDy, sumDyX, count);
    }
}
