package org.rcnn4j.nn.functional;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.rcnn4j.autograd.Autograd;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * F.batch_norm on the backend's per-channel ops: the full tensors go through Backend.channelSum and
 * channelAffine; the per-channel vectors [C] (statistics, scales) are computed on the host in double, which
 * costs one small device-to-host copy per statistic on CUDA.
 */
final class BatchNormFunction {
    private BatchNormFunction() {
    }

    static Var apply(Var input, Var weight, Var bias, Tensor runningMean, Tensor runningVar, boolean training,
            double momentum, double eps) {
        TensorMath.checkFloat("batch_norm", "input", input);
        int[] shape = input.shape();
        if (shape.length < 2) {
            throw new IllegalArgumentException("batch_norm: input: expected [N,C,...], got " + input.value());
        }
        int c = shape[1];
        checkVector("weight", weight == null ? null : weight.value(), c, input);
        checkVector("bias", bias == null ? null : bias.value(), c, input);
        checkVector("running_mean", runningMean, c, input);
        checkVector("running_var", runningVar, c, input);
        if (!(eps > 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException("batch_norm: eps: expected a positive number, got " + eps);
        }
        long count = input.numel() / Math.max(1, c);
        Backend b = input.backend();
        DType dtype = input.dtype();
        if (!training) {
            if (runningMean == null || runningVar == null) {
                throw new IllegalArgumentException("batch_norm: running_mean and running_var: required in eval mode");
            }
            // the running statistics are fixed: the affine map is computed on the backend (nothing read back);
            // the host values a backward needs are read only when one runs
            Tensor out;
            try (Tensor ab = b.select().normAffine(runningMean, runningVar, weight == null ? null : weight.value(),
                    bias == null ? null : bias.value(), eps);
                    Tensor at = b.select().rows(ab, 0, 1);
                    Tensor st = b.select().rows(ab, 1, 1)) {
                out = b.channels().channelAffine(input.value(), at.reshape(c), st.reshape(c));
            }
            return record(b, out, input, weight, bias, () -> coefficients(b, weight == null ? null : weight.value(),
                    bias == null ? null : bias.value(), Values.read(b, runningMean).clone(),
                    Values.read(b, runningVar).clone(), eps), false, count);
        }
        if (count <= 1) {
            throw new IllegalArgumentException("batch_norm: input: expected more than 1 value per channel when "
                    + "training, got input size " + Arrays.toString(shape));
        }
        double[] mean = perChannel(b, b.channels().channelSum(input.value(), null), 1.0 / count);
        double[] var;
        double[] negMean = new double[c];
        for (int i = 0; i < c; i++) {
            negMean[i] = -mean[i];
        }
        // the squared deviations' sums, the running statistics and the affine parameters read back together
        Tensor w = weight == null ? null : weight.value();
        Tensor bi = bias == null ? null : bias.value();
        Tensor[] host;
        try (Tensor shift = Values.make(b, negMean, dtype, c);
                Tensor centered = b.channels().channelAffine(input.value(), null, shift);
                Tensor squares = b.channels().channelSum(centered, centered)) {
            host = readTogether(b, squares, runningMean, runningVar, w, bi);
        }
        var = Values.read(b, host[0]).clone();
        for (int i = 0; i < c; i++) {
            var[i] *= 1.0 / count;
        }
        if (runningMean != null || runningVar != null) {
            updateRunning(b, runningMean, runningVar, host[1], host[2], mean, var, count, momentum);
        }
        double[][] k = coefficients(b, host[3], host[4], mean, var, eps);
        Tensor out;
        try (Tensor at = Values.make(b, k[2], dtype, c); Tensor st = Values.make(b, k[3], dtype, c)) {
            out = b.channels().channelAffine(input.value(), at, st);
        }
        return record(b, out, input, weight, bias, () -> k, true, count);
    }

    /** {mean, invstd, a, shift} per channel, in double: a = weight * invstd, shift = bias - mean * a. */
    private static double[][] coefficients(Backend b, Tensor weight, Tensor bias, double[] mean, double[] var,
            double eps) {
        int c = mean.length;
        double[] invstd = new double[c];
        double[] a = new double[c];
        double[] shift = new double[c];
        double[] w = weight == null ? null : Values.read(b, weight);
        double[] bi = bias == null ? null : Values.read(b, bias);
        for (int i = 0; i < c; i++) {
            invstd[i] = 1.0 / Math.sqrt(var[i] + eps);
            a[i] = (w == null ? 1.0 : w[i]) * invstd[i];
            shift[i] = (bi == null ? 0.0 : bi[i]) - mean[i] * a[i];
        }
        return new double[][] {mean, invstd, a, shift};
    }

    /** Records out = batch_norm(input); the backward takes {mean, invstd, a} from {@code coefficients}. */
    private static Var record(Backend b, Tensor out, Var input, Var weight, Var bias,
            Supplier<double[][]> coefficients, boolean training, long count) {
        int weightAt = weight == null ? -1 : 1;
        int biasAt = bias == null ? -1 : weightAt + (weight == null ? 2 : 1);
        Var[] ins = new Var[1 + (weight == null ? 0 : 1) + (bias == null ? 0 : 1)];
        ins[0] = input;
        if (weight != null) {
            ins[weightAt] = weight;
        }
        if (bias != null) {
            ins[biasAt] = bias;
        }
        return Autograd.record("batch_norm", b, out, g -> {
            Tensor[] r = new Tensor[ins.length];
            try {
                double[][] k = coefficients.get();
                backward(b, g, input, ins, r, k[0], k[1], k[2], training, count, weightAt, biasAt);
                return r;
            } catch (RuntimeException e) {
                Functional.closeAll(r);
                throw e;
            }
        }, ins);
    }

    private static void backward(Backend b, Tensor g, Var input, Var[] ins, Tensor[] r, double[] mean,
            double[] invstd, double[] a, boolean training, long count, int weightAt, int biasAt) {
        int c = mean.length;
        DType dtype = input.dtype();
        double[] sdy;
        double[] sdyx;
        try (Tensor dy = b.channels().channelSum(g, null); Tensor dyx = b.channels().channelSum(g, input.value())) {
            Tensor[] host = readTogether(b, dy, dyx);
            sdy = Values.read(b, host[0]).clone();
            sdyx = Values.read(b, host[1]).clone();
        }
        // sum of g * xhat per channel: d weight
        double[] dgamma = new double[c];
        for (int i = 0; i < c; i++) {
            dgamma[i] = invstd[i] * (sdyx[i] - mean[i] * sdy[i]);
        }
        if (weightAt > 0 && ins[weightAt].requiresGrad()) {
            r[weightAt] = Values.make(b, dgamma, dtype, c);
        }
        if (biasAt > 0 && ins[biasAt].requiresGrad()) {
            r[biasAt] = Values.make(b, sdy, dtype, c);
        }
        if (!input.requiresGrad()) {
            return;
        }
        try (Tensor at = Values.make(b, a, dtype, c)) {
            Tensor dx = b.channels().channelAffine(g, at, null);
            if (!training) {
                r[0] = dx;
                return;
            }
            // the batch statistics depend on x: dx = a*g + x*p + q per channel (the mean and variance terms)
            double[] p = new double[c];
            double[] q = new double[c];
            for (int i = 0; i < c; i++) {
                p[i] = -a[i] * invstd[i] * dgamma[i] / count;
                q[i] = -a[i] * sdy[i] / count - p[i] * mean[i];
            }
            try (Tensor pt = Values.make(b, p, dtype, c); Tensor qt = Values.make(b, q, dtype, c);
                    Tensor stats = b.channels().channelAffine(input.value(), pt, qt)) {
                r[0] = Values.add(b, dx, stats);
            } finally {
                dx.close();
            }
        }
    }

    /** The values of a [C] tensor (closed here) times {@code scale}. */
    private static double[] perChannel(Backend b, Tensor t, double scale) {
        try (t) {
            double[] d = Values.read(b, t).clone();
            for (int i = 0; i < d.length; i++) {
                d[i] *= scale;
            }
            return d;
        }
    }

    /** Host copies of the non-null tensors (one synchronization on a device), nulls kept in place. */
    private static Tensor[] readTogether(Backend b, Tensor... tensors) {
        List<Tensor> ask = new ArrayList<>();
        for (Tensor t : tensors) {
            if (t != null) {
                ask.add(t);
            }
        }
        List<Tensor> got = b.toHost(ask);
        Tensor[] out = new Tensor[tensors.length];
        for (int i = 0, j = 0; i < tensors.length; i++) {
            out[i] = tensors[i] == null ? null : got.get(j++);
        }
        return out;
    }

    private static void updateRunning(Backend b, Tensor runningMean, Tensor runningVar, Tensor hostMean,
            Tensor hostVar, double[] mean, double[] var, long count, double momentum) {
        if (runningMean != null) {
            double[] rm = Values.read(b, hostMean).clone();
            for (int i = 0; i < rm.length; i++) {
                rm[i] = (1 - momentum) * rm[i] + momentum * mean[i];
            }
            Values.overwrite(b, runningMean, rm);
        }
        if (runningVar != null) {
            double[] rv = Values.read(b, hostVar).clone();
            double unbias = (double) count / (count - 1);
            for (int i = 0; i < rv.length; i++) {
                rv[i] = (1 - momentum) * rv[i] + momentum * var[i] * unbias;
            }
            Values.overwrite(b, runningVar, rv);
        }
    }

    private static void checkVector(String name, Tensor t, int c, Var input) {
        if (t != null && (t.dim() != 1 || t.size(0) != c || t.dtype() != input.dtype())) {
            throw new IllegalArgumentException("batch_norm: " + name + ": expected a " + input.dtype() + " tensor of "
                    + "shape [" + c + "] (input channels), got " + t);
        }
    }
}
