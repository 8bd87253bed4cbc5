package org.rcnn4j.nn;

import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.Tensor;

/** torch.nn.Linear: weight [out, in], bias [out]; torch's default initialization. */
public final class Linear extends Module implements Layer {
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

    /** y = x W^T + b for x [N, in] (the product on the backend, the bias on the host). */
    @Override
    public Tensor forward(Backend backend, Tensor input) {
        if (input.dim() != 2) {
            throw new IllegalArgumentException("Linear: input must be [N, in_features], got "
                    + java.util.Arrays.toString(input.shape()));
        }
        Tensor y = backend.matmul(input, weight.value(), false, true);
        if (bias == null) {
            return y;
        }
        float[] out = HostOps.hostFloats(y, "Linear bias").clone();
        float[] b = bias.value().floats();
        int n = y.size(1);
        for (int i = 0; i < out.length; i++) {
            out[i] += b[i % n];
        }
        return Tensor.ofFloats(out, y.shape());
    }
}
