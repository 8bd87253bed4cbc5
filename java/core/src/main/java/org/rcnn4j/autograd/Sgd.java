package org.rcnn4j.autograd;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.Tensor;

/**
 * torch.optim.SGD (dampening 0, no Nesterov): d_p = grad + weightDecay * p; with momentum, buf = d_p at the first
 * step and momentum * buf + d_p after; p -= lr * (momentum != 0 ? buf : d_p). Parameters without a gradient are
 * skipped. Each step replaces a parameter's value with a fresh tensor and closes the old one; momentum buffers
 * are owned here (close the optimizer to free them) and never belong to a {@link Scope}.
 */
public final class Sgd implements AutoCloseable {
    private final List<Var> params;
    private double lr;
    private final double momentum;
    private final double weightDecay;
    private final Map<Var, Tensor> buffers = new IdentityHashMap<>();

    public Sgd(List<Var> params, double lr, double momentum, double weightDecay) {
        if (!(lr >= 0) || !(momentum >= 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("lr, momentum and weight_decay must be >= 0, got " + lr + ", "
                    + momentum + ", " + weightDecay);
        }
        for (Var p : params) {
            if (!p.requiresGrad() || !p.isLeaf()) {
                throw new IllegalArgumentException("params: " + p + " is not a leaf requiring grad");
            }
        }
        this.params = new ArrayList<>(params);
        this.lr = lr;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    public void step() {
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            for (Var p : params) {
                Tensor grad = p.grad();
                if (grad == null) {
                    continue;
                }
                Backend b = p.backend();
                if (F32.supports(b, p.value()) && F32.supports(b, grad)) {
                    stepF32(p, grad);
                    continue;
                }
                double[] w = Tensors.read(b, p.value());
                double[] g = Tensors.read(b, grad);
                double[] d = new double[w.length];
                for (int i = 0; i < d.length; i++) {
                    d[i] = g[i] + weightDecay * w[i];
                }
                if (momentum != 0) {
                    Tensor old = buffers.get(p);
                    if (old != null) {
                        double[] buf = Tensors.read(b, old);
                        for (int i = 0; i < d.length; i++) {
                            d[i] = momentum * buf[i] + d[i];
                        }
                    }
                    Tensor fresh = Tensors.make(b, d, p.dtype(), p.shape());
                    buffers.put(p, fresh);
                    if (old != null) {
                        old.close();
                    } else {
                        Live.opened();
                    }
                    // d now holds buf (rounded to the parameter's dtype, as torch stores it)
                    d = Tensors.read(b, fresh);
                }
                double[] nw = new double[w.length];
                for (int i = 0; i < nw.length; i++) {
                    nw[i] = w[i] - lr * d[i];
                }
                p.replaceValue(Tensors.make(b, nw, p.dtype(), p.shape()));
            }
        }
    }

    /** The same update with the F32 elementwise kernels (device or host), in float as torch computes it. */
    private void stepF32(Var p, Tensor grad) {
        Backend b = p.backend();
        Tensor d = F32.axpby(b, grad, p.value(), 1f, (float) weightDecay);
        if (momentum != 0) {
            Tensor old = buffers.get(p);
            if (old != null) {
                Tensor buf;
                try {
                    buf = F32.axpby(b, old, d, (float) momentum, 1f);
                } finally {
                    d.close();
                }
                buffers.put(p, buf);
                old.close();
            } else {
                buffers.put(p, d);
                Live.opened();
            }
            d = null;
        }
        Tensor step = d != null ? d : buffers.get(p);
        try {
            p.replaceValue(F32.axpby(b, p.value(), step, 1f, (float) -lr));
        } finally {
            if (d != null) {
                d.close();
            }
        }
    }

    /** The learning rate the next {@link #step} uses. */
    public double lr() {
        return lr;
    }

    /** Sets the learning rate for the following steps (a schedule's value for the step about to run). */
    public void setLr(double newLr) {
        if (!(newLr >= 0) || Double.isInfinite(newLr)) {
            throw new IllegalArgumentException("lr must be finite and >= 0, got " + newLr);
        }
        lr = newLr;
    }

    /**
     * Host copies of the momentum buffers, keyed by the names of {@code named} (the parameters this optimizer
     * updates, by name), in that map's order; parameters without a buffer yet (never stepped) are absent.
     */
    public Map<String, Tensor> exportMomentum(Map<String, Var> named) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Var> e : named.entrySet()) {
            requireManaged(e.getKey(), e.getValue());
            Tensor buf = buffers.get(e.getValue());
            if (buf != null) {
                out.put(e.getKey(), Tensors.toHostCopy(e.getValue().backend(), buf));
            }
        }
        return out;
    }

    /**
     * Replaces the momentum buffers with {@code host} tensors (keyed by the names of {@code named}); a parameter
     * whose name is absent gets no buffer (its next step starts the momentum as torch does). Each tensor must
     * match its parameter's shape and dtype.
     */
    public void importMomentum(Map<String, Var> named, Map<String, Tensor> host) {
        for (String name : host.keySet()) {
            if (!named.containsKey(name)) {
                throw new IllegalArgumentException("momentum buffer '" + name + "' names no parameter");
            }
        }
        Map<Var, Tensor> fresh = new IdentityHashMap<>();
        try {
            for (Map.Entry<String, Var> e : named.entrySet()) {
                Var p = e.getValue();
                requireManaged(e.getKey(), p);
                Tensor t = host.get(e.getKey());
                if (t == null) {
                    continue;
                }
                if (!java.util.Arrays.equals(t.shape(), p.shape()) || t.dtype() != p.dtype()) {
                    throw new IllegalArgumentException("momentum buffer '" + e.getKey() + "': expected "
                            + p.dtype() + " " + java.util.Arrays.toString(p.shape()) + ", got " + t.dtype() + " "
                            + java.util.Arrays.toString(t.shape()));
                }
                fresh.put(p, Tensors.fromHostCopy(p.backend(), t));
            }
        } catch (RuntimeException ex) {
            fresh.values().forEach(Tensor::close);
            throw ex;
        }
        close();
        for (Map.Entry<Var, Tensor> e : fresh.entrySet()) {
            buffers.put(e.getKey(), e.getValue());
            Live.opened();
        }
    }

    private void requireManaged(String name, Var p) {
        for (Var q : params) {
            if (q == p) {
                return;
            }
        }
        throw new IllegalArgumentException("parameter '" + name + "' is not updated by this optimizer");
    }

    /** Drops every parameter's gradient (set_to_none, torch 2's default). */
    public void zeroGrad() {
        for (Var p : params) {
            p.zeroGrad();
        }
    }

    /** Frees the momentum buffers. */
    @Override
    public void close() {
        for (Tensor t : buffers.values()) {
            t.close();
            Live.closed();
        }
        buffers.clear();
    }
}
