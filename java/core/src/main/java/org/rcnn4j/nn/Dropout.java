package org.rcnn4j.nn;

import java.util.SplittableRandom;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.nn.functional.TensorMath;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * torch.nn.Dropout: in training mode each element is zeroed with probability p and the rest scaled by 1/(1-p);
 * in eval mode the identity. The masks come from this module's own seeded generator ({@link #seed}).
 */
public final class Dropout extends Block implements Layer {
    private final double p;
    private SplittableRandom rng = new SplittableRandom(0);

    public Dropout(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + p);
        }
        this.p = p;
    }

    public double p() {
        return p;
    }

    /** Restarts the mask generator from {@code seed}. */
    public void seed(long seed) {
        rng = new SplittableRandom(seed);
    }

    @Override
    public Var forward(Var input) {
        if (!isTraining() || p == 0) {
            return input;
        }
        int n = input.numel();
        double keep = 1 - p;
        double[] mask = new double[n];
        for (int i = 0; i < n; i++) {
            mask[i] = rng.nextDouble() < keep ? 1 / keep : 0;
        }
        Tensor host = input.dtype() == DType.F64 ? Tensor.ofDoubles(mask, input.shape()) : floats(mask, input.shape());
        return TensorMath.mul(input, Var.fromHost(input.backend(), host));
    }

    private static Tensor floats(double[] d, int[] shape) {
        float[] f = new float[d.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) d[i];
        }
        return Tensor.ofFloats(f, shape);
    }
}
