package org.rcnn4j.nn;

import java.util.Map;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.nn.functional.Functional;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * torchvision.ops.FrozenBatchNorm2d: buffers weight, bias, running_mean, running_var (no parameters, no
 * num_batches_tracked: dropped when loading, as torchvision does). eps defaults to 1e-5; torchvision's published
 * COCO detection weights are used with eps 0.
 */
public final class FrozenBatchNorm2d extends Block implements Layer {
    private final Buffer weight;
    private final Buffer bias;
    private final Buffer runningMean;
    private final Buffer runningVar;
    private float eps;

    public FrozenBatchNorm2d(int channels) {
        this(channels, 1e-5f);
    }

    public FrozenBatchNorm2d(int channels, float eps) {
        int[] shape = {channels};
        weight = addBuffer("weight", DType.F32, shape, Init.ones());
        bias = addBuffer("bias", DType.F32, shape, Init.zeros());
        runningMean = addBuffer("running_mean", DType.F32, shape, Init.zeros());
        runningVar = addBuffer("running_var", DType.F32, shape, Init.ones());
        this.eps = eps;
    }

    public float eps() {
        return eps;
    }

    /** torchvision's overwrite_eps. */
    public void eps(float value) {
        eps = value;
    }

    /** torchvision's overwrite_eps: sets eps on every FrozenBatchNorm2d in {@code model} (0 for the COCO weights). */
    public static void overwriteEps(Block model, float eps) {
        model.namedModules().values().forEach(m -> {
            if (m instanceof FrozenBatchNorm2d bn) {
                bn.eps(eps);
            }
        });
    }

    @Override
    protected void adaptState(String prefix, Map<String, Tensor> stateDict) {
        stateDict.remove(prefix + "num_batches_tracked");
    }

    /** x * scale + shift per channel, scale = weight / sqrt(running_var + eps), computed in float32 as torchvision. */
    @Override
    public Var forward(Var input) {
        double[][] affine = affine();
        return Functional.channelAffine(input, ChannelVectors.like(input, affine[0]), ChannelVectors.like(input,
                affine[1]));
    }

    /** {scale, shift} per channel, as forward applies them (also what ConvNormRelu folds into a convolution). */
    double[][] affine() {
        float[] w = weight.value().floats();
        float[] b = bias.value().floats();
        float[] m = runningMean.value().floats();
        float[] v = runningVar.value().floats();
        int c = w.length;
        double[] scale = new double[c];
        double[] shift = new double[c];
        for (int i = 0; i < c; i++) {
            float s = w[i] * (float) (1.0 / Math.sqrt(v[i] + eps));
            scale[i] = s;
            shift[i] = b[i] - m[i] * s;
        }
        return new double[][] {scale, shift};
    }
}
