package org.rcnn4j.nn;

import org.rcnn4j.autograd.Var;
import org.rcnn4j.nn.functional.Functional;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * torch.nn.BatchNorm2d (affine, tracking running stats): parameters weight, bias; buffers running_mean,
 * running_var and num_batches_tracked (an I64 scalar, shape []). num_batches_tracked is kept for
 * the keys only (momentum is fixed, as torch uses it).
 */
public final class BatchNorm2d extends Block implements Layer {
    private final Parameter weight;
    private final Parameter bias;
    private final Buffer runningMean;
    private final Buffer runningVar;
    private final float eps;
    private final double momentum;
    private boolean trackRunningStats = true;

    public BatchNorm2d(int channels) {
        this(channels, 1e-5f, 0.1);
    }

    public BatchNorm2d(int channels, float eps, double momentum) {
        int[] shape = {channels};
        weight = addParameter("weight", shape, Init.ones());
        bias = addParameter("bias", shape, Init.zeros());
        runningMean = addBuffer("running_mean", DType.F32, shape, Init.zeros());
        runningVar = addBuffer("running_var", DType.F32, shape, Init.ones());
        addBuffer("num_batches_tracked", DType.I64, new int[0], Init.zeros());
        this.eps = eps;
        this.momentum = momentum;
    }

    public float eps() {
        return eps;
    }

    public double momentum() {
        return momentum;
    }

    /** Whether training mode updates running_mean and running_var (torch's track_running_stats; default true). */
    public boolean trackRunningStats() {
        return trackRunningStats;
    }

    /**
     * torch's {@code track_running_stats = value} set on a module that has its buffers: false makes training mode
     * normalize by the batch's statistics without folding them into the running ones (eval mode still uses the
     * running ones). For batches of another kind than the model's own inputs, e.g. an auxiliary task's.
     */
    public BatchNorm2d trackRunningStats(boolean value) {
        trackRunningStats = value;
        return this;
    }

    /**
     * Eval mode's per-channel affine map on the bound backend, [2, C]: scale = weight / sqrt(running_var + eps) and
     * shift = bias - running_mean * scale (the Select family's normAffine, as the eval forward computes it; what
     * ConvNormRelu folds into a convolution).
     */
    Tensor evalAffineOn() {
        return weight.var().backend().select().normAffine(runningMean.var().value(), runningVar.var().value(),
                weight.var().value(), bias.var().value(), eps);
    }

    /**
     * Batch statistics in training mode (and a running-stat update while {@link #trackRunningStats()}), the running
     * statistics in eval mode.
     */
    @Override
    public Var forward(Var input) {
        boolean update = !isTraining() || trackRunningStats;
        return Functional.batchNorm2d(input, weight.var(), bias.var(), update ? runningMean.var().value() : null,
                update ? runningVar.var().value() : null, isTraining(), momentum, eps);
    }
}
