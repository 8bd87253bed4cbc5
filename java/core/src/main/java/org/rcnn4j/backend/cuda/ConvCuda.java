package org.rcnn4j.backend.cuda;

import org.rcnn4j.backend.Conv;
import org.rcnn4j.backend.Conv2dGrads;
import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.backend.Elementwise;
import org.rcnn4j.backend.OpChecks;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.tensor.Tensor;

/** The Conv family on a CUDA device: delegates to Conv2dCuda, one per kernel file (the fused ReLU: conv2d.cu, then relu). */
final class ConvCuda implements Conv {
    private final Conv2dCuda conv2d;
    private final Elementwise elementwise;

    ConvCuda(CudaDevice device, Elementwise elementwise) {
        this.conv2d = new Conv2dCuda(device);
        this.elementwise = elementwise;
    }

    @Override
    public Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params) {
        return conv2d.forward(input, weight, bias, params);
    }

    /** The Elementwise family the fused ReLU runs on (also what CudnnConv uses where cuDNN does not fuse). */
    Elementwise elementwise() {
        return elementwise;
    }

    /** conv2d, then the relu kernel: the arithmetic of the two separate ops. */
    @Override
    public Tensor conv2dBiasRelu(Tensor input, Tensor weight, Tensor bias, Conv2dParams params) {
        OpChecks.notNull("bias", bias);
        try (Tensor y = conv2d(input, weight, bias, params)) {
            return elementwise.relu(y);
        }
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
