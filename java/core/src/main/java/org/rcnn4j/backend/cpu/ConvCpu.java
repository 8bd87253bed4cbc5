package org.rcnn4j.backend.cpu;

import org.rcnn4j.backend.Conv;
import org.rcnn4j.backend.Conv2dGrads;
import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.backend.Elementwise;
import org.rcnn4j.backend.OpChecks;
import org.rcnn4j.tensor.Tensor;

/**
 * The Conv family on the CPU: delegates to Conv2dCpu, which hands F32 work to oneDNN when this backend uses it (and,
 * for the fused ReLU, to the Elementwise family).
 */
final class ConvCpu implements Conv {
    private final Elementwise elementwise;
    private final boolean oneDnn;

    /** {@code oneDnn}: F32 convolutions through oneDNN's primitives ({@link OneDnnConv}). */
    ConvCpu(Elementwise elementwise, boolean oneDnn) {
        this.elementwise = elementwise;
        this.oneDnn = oneDnn;
    }

    @Override
    public Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params) {
        return Conv2dCpu.forward(input, weight, bias, params, oneDnn);
    }

    /** conv2d, then relu: the same two ops, in the same order, as the unfused layers (bit-identical). */
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
        return Conv2dCpu.backward(gradOutput, input, weight, params, withBias, oneDnn);
    }

    @Override
    public Tensor conv2dGradInput(Tensor gradOutput, Tensor weight, int[] inputShape, Conv2dParams params) {
        return Conv2dCpu.gradInput(gradOutput, weight, inputShape, params, oneDnn);
    }

    @Override
    public Tensor conv2dGradWeight(Tensor gradOutput, Tensor input, int[] weightShape, Conv2dParams params) {
        return Conv2dCpu.gradWeight(gradOutput, input, weightShape, params, oneDnn);
    }
}
