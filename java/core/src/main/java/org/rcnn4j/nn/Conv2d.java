package org.rcnn4j.nn;

import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.nn.functional.Functional;

/** torch.nn.Conv2d: weight [out, in/groups, k, k], optional bias [out]; torch's default initialization. */
public final class Conv2d extends Block implements Layer {
    private final Parameter weight;
    private final Parameter bias;
    private final Conv2dParams params;
    private FoldedConv folded;

    public Conv2d(int in, int out, int kernel, int stride, int padding, boolean bias) {
        this(in, out, kernel, stride, padding, 1, 1, bias);
    }

    public Conv2d(int in, int out, int kernel, int stride, int padding, int dilation, int groups, boolean bias) {
        if (in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException("in_channels " + in + " and out_channels " + out
                    + " must be divisible by groups " + groups);
        }
        int[] shape = {out, in / groups, kernel, kernel};
        this.weight = addParameter("weight", shape, Init.kaimingUniform(Math.sqrt(5)));
        this.bias = bias ? addParameter("bias", new int[] {out}, Init.defaultBias(shape)) : null;
        this.params = Conv2dParams.of(stride, padding, dilation, groups);
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null for bias=False. */
    public Parameter bias() {
        return bias;
    }

    public Conv2dParams params() {
        return params;
    }

    /** The weights with {@code norm} folded in, computed on first use and kept while current (ConvNormRelu). */
    synchronized FoldedConv folded(Block norm) {
        if (folded == null || !folded.isCurrent(this, norm)) {
            dropFolded();
            folded = FoldedConv.of(this, norm);
        }
        return folded;
    }

    /** The folded weights held now, or null (for tests and diagnostics). */
    synchronized FoldedConv currentFold() {
        return folded;
    }

    /** Frees the folded weights, if any. */
    synchronized void dropFolded() {
        if (folded != null) {
            folded.close();
            folded = null;
        }
    }

    @Override
    void dropDerived() {
        dropFolded();
    }

    @Override
    public Var forward(Var input) {
        return Functional.conv2d(input, weight.var(), bias == null ? null : bias.var(), params);
    }
}
