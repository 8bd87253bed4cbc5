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
 * (FrozenBatchNorm2d's float32 one, or BatchNorm2d's running statistics). Computed once on the conv's backend, in
 * the weight's dtype, without reading the bound values back (so a detector's first detect() costs no extra host
 * synchronizations); it owns the two tensors.
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
    private final Tensor[] owned;

    /** weight and bias in the conv's shapes (views), {@code owned} the tensors holding their storage. */
    private FoldedConv(Backend backend, List<Tensor> sources, double eps, Tensor weight, Tensor bias, Tensor[] owned) {
        this.backend = backend;
        this.sources = sources;
        this.eps = eps;
        this.weight = weight;
        this.bias = bias;
        this.owned = owned;
    }

    /**
     * conv's weights with {@code norm} (a FrozenBatchNorm2d, or a BatchNorm2d in eval mode) folded in, computed on
     * the conv's backend: BatchNorm2d's (scale, shift) by the Select family's normAffine from the bound statistics,
     * as its eval forward does (nothing read back to the host), FrozenBatchNorm2d's as its forward computes them;
     * then weight * scale and bias * scale + shift by the Channels family's per-channel affine map, in the weight's
     * dtype.
     */
    static FoldedConv of(Conv2d conv, Block norm) {
        Var wv = conv.weight().var();
        Backend b = wv.backend();
        int[] shape = wv.shape();
        int out = shape[0];
        Tensor scale = null;
        Tensor shift = null;
        Tensor ab = null;
        Tensor[] owned = new Tensor[2];
        try {
            if (norm instanceof BatchNorm2d bn) {
                ab = bn.evalAffineOn();
                scale = b.select().rows(ab, 0, 1).reshape(out);
                shift = b.select().rows(ab, 1, 1).reshape(out);
            } else {
                double[][] affine = ((FrozenBatchNorm2d) norm).affine();
                if (affine[0].length != out) {
                    throw new IllegalArgumentException("norm: expected " + out + " channels (the conv's outputs), got "
                            + affine[0].length);
                }
                scale = b.toDevice(host(affine[0], wv.dtype(), out));
                shift = b.toDevice(host(affine[1], wv.dtype(), out));
            }
            owned[0] = b.channels().channelAffine(wv.value().reshape(1, out, wv.numel() / out), scale, null);
            owned[1] = conv.bias() == null ? b.channels().channelAffine(shift.reshape(1, out), null, null)
                    : b.channels().channelAffine(conv.bias().var().value().reshape(1, out), scale, shift);
            FoldedConv f = new FoldedConv(b, sources(conv, norm), eps(norm), owned[0].reshape(shape),
                    owned[1].reshape(out), owned);
            owned = null;
            return f;
        } finally {
            if (owned != null) {
                for (Tensor t : owned) {
                    if (t != null) {
                        t.close();
                    }
                }
            }
            if (ab != null) {
                ab.close();  // scale and shift were views of it
            } else {
                if (scale != null) {
                    scale.close();
                }
                if (shift != null) {
                    shift.close();
                }
            }
        }
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
        for (Tensor t : owned) {
            t.close();
        }
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
