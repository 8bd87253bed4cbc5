package org.rcnn4j.nn;

import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.Tensor;

/** torch.nn.ReLU (no state). */
public final class ReLU extends Module implements Layer {
    @Override
    public Tensor forward(Backend backend, Tensor input) {
        return HostOps.relu(input);
    }
}
