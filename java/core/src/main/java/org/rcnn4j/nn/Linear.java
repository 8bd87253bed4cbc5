package org.rcnn4j.nn;

import org.rcnn4j.autograd.Var;
import org.rcnn4j.nn.functional.Functional;

/** torch.nn.Linear: weight [out, in], bias [out]; torch's default initialization. */
public final class Linear extends Block implements Layer {
    private final Parameter weight;
    private final Parameter bias;

    public Linear(int in, int out) {
        this(in, out, true);
    }

    public Linear(int in, int out, boolean bias) {
        int[] shape = {out, in};
        this.weight = addParameter("weight", shape, Init.kaimingUniform(Math.sqrt(5)));
        this.bias = bias ? addParameter("bias", new int[] {out}, Init.defaultBias(shape)) : null;
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    /** y = x W^T + b for x [N, in]. */
    @Override
    public Var forward(Var input) {
        return Functional.linear(input, weight.var(), bias == null ? null : bias.var());
    }
}
