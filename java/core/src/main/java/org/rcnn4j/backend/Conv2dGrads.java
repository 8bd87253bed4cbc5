package org.rcnn4j.backend;

import org.rcnn4j.tensor.Tensor;

/** conv2d's gradients; gradBias is null where the convolution has no bias. */
public record Conv2dGrads(Tensor gradInput, Tensor gradWeight, Tensor gradBias) implements AutoCloseable {
    @Override
    public void close() {
        gradInput.close();
        gradWeight.close();
        if (gradBias != null) {
            gradBias.close();
        }
    }
}
