package org.rcnn4j.nn;

import java.util.ArrayList;
import java.util.List;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * A Conv2d with the batch norm after it folded in, for inference: one convolution with weight' = weight * scale
 * (per output channel) and bias' = bias * scale + shift, where (scale, shift) is the norm's eval-mode affine map
 * (FrozenBatchNorm2d's float32 one, or BatchNorm2d's running statistics). Computed in double on the host from the
 * bound values, once, and kept on the conv's backend in the weight's dtype; it owns those two tensors.
 *
 * <p>It remembers what it was computed from (the backend, the identity of every value tensor of the conv and the
 * norm, which an optimizer step or a load replaces, and the norm's eps), so a stale fold is recognized;
 * {@link Block#train} and {@link Block#release} drop it too (BatchNorm2d's running statistics change in place while
 * training).
 */
final class FoldedConv implements AutoCloseable {
    private final Backend backend;
    private final List<Tensor> sources;
    private final double eps;
    private final Tensor weight;
    private final Tensor bias;

    private FoldedConv(Backend backend, List<Tensor> sources, double eps, Tensor weight, Tensor bias) {
        this.backend = backend;
        this.sources = sources;
        this.eps = eps;
        this.weight = weight;
        this.bias = bias;
    }

    /** conv's weights with {@code norm} (a FrozenBatchNorm2d, or a BatchNorm2d in eval mode) folded in. */
    static FoldedConv of(Conv2d conv, Block norm) {
        double[][] affine = norm instanceof FrozenBatchNorm2d f ? f.affine() : ((BatchNorm2d) norm).evalAffine();
        double[] scale = affine[0];
        double[] shift = affine[1];
        Var wv = conv.weight().var();
        double[] w = hostDoubles(wv);
        double[] b = conv.bias() == null ? null : hostDoubles(conv.bias().var());
        int out = scale.length;
        if (wv.shape()[0] != out) {
            throw new IllegalArgumentException("norm: expected " + wv.shape()[0] + " channels (the conv's outputs), got "
                    + out);
        }
        int per = w.length / out;
        double[] fw = new double[w.length];
        double[] fb = new double[out];
        for (int k = 0; k < out; k++) {
            for (int j = 0; j < per; j++) {
                fw[k * per + j] = w[k * per + j] * scale[k];
            }
            fb[k] = (b == null ? 0.0 : b[k]) * scale[k] + shift[k];
        }
        Backend backend = wv.backend();
        DType dtype = wv.dtype();
        Tensor weight = backend.toDevice(host(fw, dtype, wv.shape()));
        Tensor bias;
        try {
            bias = backend.toDevice(host(fb, dtype, out));
        } catch (RuntimeException e) {
            weight.close();
            throw e;
        }
        return new FoldedConv(backend, sources(conv, norm), eps(norm), weight, bias);
    }

    /** Whether this fold is still that of {@code conv} and {@code norm} as they are now bound. */
    boolean isCurrent(Conv2d conv, Block norm) {
        if (conv.weight().var().backend() != backend || eps(norm) != eps) {
            return false;
        }
        List<Tensor> now = sources(conv, norm);
        if (now.size() != sources.size()) {
            return false;
        }
        for (int i = 0; i < now.size(); i++) {
            if (now.get(i) != sources.get(i)) {
                return false;
            }
        }
        return true;
    }

    Tensor weight() {
        return weight;
    }

    Tensor bias() {
        return bias;
    }

    @Override
    public void close() {
        weight.close();
        bias.close();
    }

    /** The bound value tensors the fold depends on, in a fixed order (the conv's entries, then the norm's). */
    private static List<Tensor> sources(Conv2d conv, Block norm) {
        List<Tensor> out = new ArrayList<>();
        conv.stateEntries().values().forEach(e -> out.add(e.var().value()));
        norm.stateEntries().values().forEach(e -> out.add(e.var().value()));
        return out;
    }

    private static double eps(Block norm) {
        return norm instanceof FrozenBatchNorm2d f ? f.eps() : ((BatchNorm2d) norm).eps();
    }

    /** A bound value read back as doubles (F32 or F64). */
    static double[] hostDoubles(Var v) {
        Tensor h = v.backend().toHost(v.value());
        if (h.dtype() == DType.F64) {
            return h.doubles().clone();
        }
        float[] f = h.floats();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static Tensor host(double[] values, DType dtype, int... shape) {
        if (dtype == DType.F64) {
            return Tensor.ofDoubles(values, shape);
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return Tensor.ofFloats(f, shape);
    }
}
