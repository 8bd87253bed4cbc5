package org.rcnn4j.nn;

import org.rcnn4j.autograd.Ops;
import org.rcnn4j.autograd.Var;

/** torch.nn.ReLU (no state). */
public final class ReLU extends Module implements Layer {
    @Override
    public Var forward(Var input) {
        return Ops.relu(input);
    }
}
