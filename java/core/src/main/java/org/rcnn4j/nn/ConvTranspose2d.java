package org.rcnn4j.nn;

import org.rcnn4j.autograd.Var;
import org.rcnn4j.nn.functional.Functional;

/**
 * torch.nn.ConvTranspose2d: weight [in, out, k, k] (note the order), bias [out]; torch's default initialization
 * (whose fan-in is therefore out*k*k).
 */
public final class ConvTranspose2d extends Block implements Layer {
    private final Parameter weight;
    private final Parameter bias;
    private final int stride;
    private final int padding;

    public ConvTranspose2d(int in, int out, int kernel, int stride, int padding, boolean bias) {
        int[] shape = {in, out, kernel, kernel};
        this.weight = addParameter("weight", shape, Init.kaimingUniform(Math.sqrt(5)));
        this.bias = bias ? addParameter("bias", new int[] {out}, Init.defaultBias(shape)) : null;
        this.stride = stride;
        this.padding = padding;
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    public int stride() {
        return stride;
    }

    public int padding() {
        return padding;
    }

    @Override
    public Var forward(Var input) {
        return Functional.convTranspose2d(input, weight.var(), bias == null ? null : bias.var(), stride, padding, 0, 1, 1);
    }
}
