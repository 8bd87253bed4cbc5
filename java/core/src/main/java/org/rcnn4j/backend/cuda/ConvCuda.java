package org.rcnn4j.backend.cuda;

import org.rcnn4j.backend.Conv;
import org.rcnn4j.backend.Conv2dGrads;
import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.tensor.Tensor;

/** The Conv family on a CUDA device: delegates to Conv2dCuda, one per kernel file. */
final class ConvCuda implements Conv {
    private final Conv2dCuda conv2d;

    ConvCuda(CudaDevice device) {
        this.conv2d = new Conv2dCuda(device);
    }

    @Override
    public Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params) {
        return conv2d.forward(input, weight, bias, params);
    }

    @Override
    public Conv2dGrads conv2dBackward(Tensor gradOutput, Tensor input, Tensor weight, Conv2dParams params,
            boolean withBias) {
        return conv2d.backward(gradOutput, input, weight, params, withBias);
    }

    @Override
    public Tensor conv2dGradInput(Tensor gradOutput, Tensor weight, int[] inputShape, Conv2dParams params) {
        return conv2d.gradInput(gradOutput, weight, inputShape, params);
    }

    @Override
    public Tensor conv2dGradWeight(Tensor gradOutput, Tensor input, int[] weightShape, Conv2dParams params) {
        return conv2d.gradWeight(gradOutput, input, weightShape, params);
    }
}
