package org.rcnn4j.nn.functional;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.rcnn4j.autograd.Autograd;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.BatchNormStats;
import org.rcnn4j.backend.Channels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * F.batch_norm on the backend's per-channel ops: the full tensors go through channelSum and channelAffine. In
 * training the per-channel vectors [C] (statistics, running averages, scales, the backward's terms) are computed in
 * double by the backend (Channels.batchNormMean, batchNormCoefficients, batchNormBackwardTerms), so nothing is read
 * back on a device; in eval the affine map is computed there too, and a backward through eval batch norm (rare:
 * frozen statistics with trainable affine parameters) reads the running statistics back once.
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
            return recordEval(b, out, input, weight, bias, () -> coefficients(b, weight == null ? null : weight.value(),
                    bias == null ? null : bias.value(), Values.read(b, runningMean).clone(),
                    Values.read(b, runningVar).clone(), eps));
        }
        if (count <= 1) {
            throw new IllegalArgumentException("batch_norm: input: expected more than 1 value per channel when "
                    + "training, got input size " + Arrays.toString(shape));
        }
        // the statistics, the running averages and the coefficients stay on the backend (computed in double there)
        Channels ch = b.channels();
        Tensor w = weight == null ? null : weight.value();
        Tensor bi = bias == null ? null : bias.value();
        Tensor out;
        Tensor state;
        try (Tensor sums = ch.channelSum(input.value(), null);
                BatchNormStats mean = ch.batchNormMean(sums, count);
                Tensor shift = row(b, mean.values(), 0, c);
                Tensor centered = ch.channelAffine(input.value(), null, shift);
                Tensor squares = ch.channelSum(centered, centered)) {
            BatchNormStats k = ch.batchNormCoefficients(mean.state(), squares, runningMean, runningVar, w, bi, count,
                    momentum, eps);
            state = k.state(); // kept for the backward
            try (Tensor values = k.values(); Tensor at = row(b, values, 0, c); Tensor st = row(b, values, 1, c)) {
                out = ch.channelAffine(input.value(), at, st);
            } catch (RuntimeException | Error e) {
                state.close();
                throw e;
            }
        }
        return recordTraining(b, out, input, weight, bias, state, count);
    }

    /** Row {@code r} of a [k, c] tensor as a [c] tensor (a view on a device: t must outlive it). */
    private static Tensor row(Backend b, Tensor t, int r, int c) {
        return Values.reshapeOwned(b.select().rows(t, r, 1), c);
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

    /** Records eval batch norm's out; the backward takes {mean, invstd, a} from {@code coefficients} (host values). */
    private static Var recordEval(Backend b, Tensor out, Var input, Var weight, Var bias,
            Supplier<double[][]> coefficients) {
        int weightAt = weight == null ? -1 : 1;
        int biasAt = bias == null ? -1 : weightAt + (weight == null ? 2 : 1);
        Var[] ins = inputs(input, weight, bias, weightAt, biasAt);
        return Autograd.record("batch_norm", b, out, g -> {
            Tensor[] r = new Tensor[ins.length];
            try {
                double[][] k = coefficients.get();
                evalBackward(b, g, input, ins, r, k[0], k[1], k[2], weightAt, biasAt);
                return r;
            } catch (RuntimeException e) {
                Functional.closeAll(r);
                throw e;
            }
        }, ins);
    }

    /**
     * Records training batch norm's out; {@code state} (F64 [3, C] = {mean, invstd, a}, owned) is kept on the
     * backend until the backward has run, which computes its per-channel terms there.
     */
    private static Var recordTraining(Backend b, Tensor out, Var input, Var weight, Var bias, Tensor state,
            long count) {
        int weightAt = weight == null ? -1 : 1;
        int biasAt = bias == null ? -1 : weightAt + (weight == null ? 2 : 1);
        Var[] ins = inputs(input, weight, bias, weightAt, biasAt);
        Var saved = Var.of(b, state);
        return Autograd.record("batch_norm", b, out, g -> {
            Tensor[] r = new Tensor[ins.length];
            try {
                trainingBackward(b, g, input, ins, r, saved.value(), count, weightAt, biasAt);
                return r;
            } catch (RuntimeException e) {
                Functional.closeAll(r);
                throw e;
            }
        }, ins, saved);
    }

    private static Var[] inputs(Var input, Var weight, Var bias, int weightAt, int biasAt) {
        Var[] ins = new Var[1 + (weight == null ? 0 : 1) + (bias == null ? 0 : 1)];
        ins[0] = input;
        if (weight != null) {
            ins[weightAt] = weight;
        }
        if (bias != null) {
            ins[biasAt] = bias;
        }
        return ins;
    }

    /** Training batch norm's gradients: dx = a*g + x*p + q per channel (the batch statistics depend on x). */
    private static void trainingBackward(Backend b, Tensor g, Var input, Var[] ins, Tensor[] r, Tensor state,
            long count, int weightAt, int biasAt) {
        Channels ch = b.channels();
        int c = state.size(1);
        try (Tensor dy = ch.channelSum(g, null); Tensor dyx = ch.channelSum(g, input.value());
                Tensor terms = ch.batchNormBackwardTerms(state, dy, dyx, count)) {
            if (weightAt > 0 && ins[weightAt].requiresGrad()) {
                r[weightAt] = b.gather().slice(terms, 0, new int[] {c}); // a copy: terms is closed here
            }
            if (biasAt > 0 && ins[biasAt].requiresGrad()) {
                r[biasAt] = Values.copy(b, dy, c);
            }
            if (!input.requiresGrad()) {
                return;
            }
            try (Tensor at = row(b, terms, 1, c); Tensor pt = row(b, terms, 2, c); Tensor qt = row(b, terms, 3, c);
                    Tensor dx = ch.channelAffine(g, at, null);
                    Tensor stats = ch.channelAffine(input.value(), pt, qt)) {
                r[0] = Values.add(b, dx, stats);
            }
        }
    }

    /** Eval batch norm's gradients (fixed statistics): dx = a*g per channel. */
    private static void evalBackward(Backend b, Tensor g, Var input, Var[] ins, Tensor[] r, double[] mean,
            double[] invstd, double[] a, int weightAt, int biasAt) {
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
            r[0] = b.channels().channelAffine(g, at, null);
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

    private static void checkVector(String name, Tensor t, int c, Var input) {
        if (t != null && (t.dim() != 1 || t.size(0) != c || t.dtype() != input.dtype())) {
            throw new IllegalArgumentException("batch_norm: " + name + ": expected a " + input.dtype() + " tensor of "
                    + "shape [" + c + "] (input channels), got " + t);
        }
    }
}
