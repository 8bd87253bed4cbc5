package org.rcnn4j.nn;

import org.rcnn4j.autograd.Var;
import org.rcnn4j.nn.functional.TensorMath;

/** torch.nn.ReLU (no state). */
public final class ReLU extends Block implements Layer {
    @Override
    public Var forward(Var input) {
        return TensorMath.relu(input);
    }
}
