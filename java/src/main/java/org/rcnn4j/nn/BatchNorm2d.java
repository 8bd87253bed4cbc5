package org.rcnn4j.nn;

import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * torch.nn.BatchNorm2d (affine, tracking running stats): parameters weight, bias; buffers running_mean,
 * running_var and num_batches_tracked (an I64 scalar, shape []). The forward pass is inference mode (running
 * statistics).
 */
public final class BatchNorm2d extends Module implements Layer {
    private final Parameter weight;
    private final Parameter bias;
    private final Buffer runningMean;
    private final Buffer runningVar;
    private final float eps;
    private final double momentum;

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

    @Override
    public Tensor forward(Backend backend, Tensor input) {
        return HostOps.batchNorm(input, weight.value(), bias.value(), runningMean.value(), runningVar.value(), eps,
                "BatchNorm2d");
    }
}
