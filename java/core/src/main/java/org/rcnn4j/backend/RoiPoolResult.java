package org.rcnn4j.backend;

import org.rcnn4j.tensor.Tensor;

/** roi_pool's two outputs: the pooled values and, per output element, the flat h*W+w index it came from. */
public record RoiPoolResult(Tensor output, Tensor argmax) implements AutoCloseable {
    @Override
    public void close() {
        output.close();
        argmax.close();
    }
}
