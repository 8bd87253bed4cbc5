package org.rcnn4j.backend.cuda;

import org.rcnn4j.backend.BatchNormStats;
import org.rcnn4j.backend.Channels;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.tensor.Tensor;

/** The Channels family on a CUDA device: delegates to BatchNormCuda and UpsampleCuda, one per kernel file. */
final class ChannelsCuda implements Channels {
    private final BatchNormCuda batchNorm;
    private final UpsampleCuda upsample;

    ChannelsCuda(CudaDevice device) {
        this.batchNorm = new BatchNormCuda(device);
        this.upsample = new UpsampleCuda(device);
    }

    @Override
    public Tensor channelAffine(Tensor input, Tensor scale, Tensor shift) {
        return batchNorm.channelAffine(input, scale, shift);
    }

    @Override
    public Tensor channelSum(Tensor input, Tensor other) {
        return batchNorm.channelSum(input, other);
    }

    @Override
    public Tensor upsampleNearest(Tensor input, int outputHeight, int outputWidth) {
        return upsample.nearest(input, outputHeight, outputWidth);
    }

    @Override
    public Tensor upsampleNearestBackward(Tensor gradOutput, int[] inputShape) {
        return upsample.nearestBackward(gradOutput, inputShape);
    }

    @Override
    public BatchNormStats batchNormMean(Tensor sums, long count) {
        return batchNorm.mean(sums, count);
    }

    @Override
    public BatchNormStats batchNormCoefficients(Tensor mean, Tensor squares, Tensor runningMean, Tensor runningVar,
            Tensor weight, Tensor bias, long count, double momentum, double eps) {
        return batchNorm.coefficients(mean, squares, runningMean, runningVar, weight, bias, count, momentum, eps);
    }

    @Override
    public Tensor batchNormBackwardTerms(Tensor state, Tensor sumDy, Tensor sumDyX, long count) {
        return batchNorm.backwardTerms(state, sumDy, sumDyX, count);
    }
}
