package org.rcnn4j.nn;

import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.Tensor;

/** torch.nn.Dropout; the forward pass is inference mode (the identity). */
public final class Dropout extends Module implements Layer {
    private final double p;

    public Dropout(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + p);
        }
        this.p = p;
    }

    public double p() {
        return p;
    }

    @Override
    public Tensor forward(Backend backend, Tensor input) {
        return input;
    }
}
