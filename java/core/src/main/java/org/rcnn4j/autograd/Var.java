package org.rcnn4j.autograd;

import java.util.Arrays;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * A tensor value on a {@link Backend} that autograd can differentiate: the value, its gradient (after
 * {@link Autograd#backward}), and the recorded op that produced it (null for a leaf).
 *
 * <p>A Var owns its value (unless it is a view of another Var, see {@link Autograd#view}) and its gradient;
 * closing it closes both. Vars created while a {@link Scope} is open are closed by that scope unless kept.
 */
public final class Var implements AutoCloseable {
    private final Backend backend;
    /** The value; null once closed, so that a closed Var (still listed by its scope) holds no memory. */
    private Tensor value;
    private final int[] shape;
    private final DType dtype;
    private final boolean ownsValue;
    private final Var base;
    /** Changes only on a parameter's leaf ({@link #requiresGrad(boolean)}). */
    private boolean requiresGrad;
    /** Made while no graph was recorded (Autograd.noGrad): no recorded op can refer to it. */
    private final boolean madeWithoutGraph;
    /** Not closed by a scope (parameters, buffers): {@link #drop} leaves it alone. */
    private final boolean persistent;
    Node node;
    private Tensor grad;
    Scope scope;
    private boolean closed;

    Var(Backend backend, Tensor value, boolean requiresGrad, Node node, Var base) {
        this(backend, value, requiresGrad, node, base, true);
    }

    private Var(Backend backend, Tensor value, boolean requiresGrad, Node node, Var base, boolean scoped) {
        if (backend == null || value == null) {
            throw new IllegalArgumentException("backend and value must not be null");
        }
        this.backend = backend;
        this.value = value;
        this.shape = value.shape();
        this.dtype = value.dtype();
        this.requiresGrad = requiresGrad;
        this.node = node;
        this.base = base;
        this.ownsValue = base == null;
        this.madeWithoutGraph = !Autograd.isGradEnabled();
        this.persistent = !scoped;
        if (ownsValue) {
            Live.opened(Live.bytesOf(value));
        }
        if (scoped) {
            Scope.track(this);
        }
    }

    /** A constant (no gradient) owning {@code value}, a tensor on {@code backend}. */
    public static Var of(Backend backend, Tensor value) {
        return new Var(backend, value, false, null, null);
    }

    /** A leaf that gathers a gradient (a parameter when created outside any scope), owning {@code value}. */
    public static Var param(Backend backend, Tensor value) {
        return new Var(backend, value, true, null, null);
    }

    /**
     * A leaf owning {@code value} that no {@link Scope} closes, even when one is open: a module's parameter or
     * buffer, freed only by {@link #close()}.
     */
    public static Var persistent(Backend backend, Tensor value, boolean requiresGrad) {
        return new Var(backend, value, requiresGrad, null, null, false);
    }

    /** A constant uploaded from a host tensor (on the CPU backend: that tensor, not copied). */
    public static Var fromHost(Backend backend, Tensor host) {
        return of(backend, backend.toDevice(host));
    }

    public Backend backend() {
        return backend;
    }

    public Tensor value() {
        checkOpen();
        return value;
    }

    /** The accumulated gradient, on this Var's backend; null before backward or after zeroGrad. */
    public Tensor grad() {
        return grad;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * torch's {@code requires_grad_} on a parameter: whether the graphs recorded from now on gather this leaf's
     * gradient, so that a module's parameters can be frozen (or thawed) while it is bound, without binding it again.
     * Only a persistent leaf ({@link #persistent}, a bound parameter or buffer) changes; any other Var throws. A
     * backward of a graph recorded before the change routes this leaf's gradient as the flag says when it runs.
     */
    public Var requiresGrad(boolean value) {
        if (!persistent || node != null) {
            throw new IllegalStateException("requiresGrad: only a parameter's leaf can change it, not " + this);
        }
        requiresGrad = value;
        return this;
    }

    public boolean isLeaf() {
        return node == null;
    }

    public int[] shape() {
        return shape.clone();
    }

    public DType dtype() {
        return dtype;
    }

    public int numel() {
        return org.rcnn4j.tensor.Shapes.numel(shape);
    }

    /** The value of a one-element Var. */
    public double item() {
        if (numel() != 1) {
            throw new IllegalStateException("item() of a Var of shape " + Arrays.toString(shape));
        }
        return backend.toHost(value()).getDouble(0);
    }

    /** A host copy of the value (the value itself on the CPU backend). */
    public Tensor toHost() {
        return backend.toHost(value());
    }

    /** Reverse-mode gradient of this scalar into every leaf requiring grad. */
    public void backward() {
        Autograd.backward(this);
    }

    /** Drops the gradient (torch's zero_grad(set_to_none=True)). */
    public void zeroGrad() {
        if (grad != null) {
            Tensor g = grad;
            grad = null;
            g.close();
            Live.closed();
        }
    }

    /**
     * Multiplies the gradient by {@code factor} (in the gradient's dtype, as torch's {@code grad.mul_}); no-op
     * without a gradient. For gradient clipping.
     */
    public void scaleGrad(double factor) {
        if (grad == null) {
            return;
        }
        Tensor scaled = backend.elementwise().scale(grad, factor);
        Tensor old = grad;
        grad = scaled;
        old.close();
    }

    /**
     * Overwrites a parameter's value with a copy of {@code host} (same shape and dtype), e.g. from a checkpoint.
     * Only for leaves owning their value.
     */
    public void loadValue(Tensor host) {
        checkOpen();
        if (!Arrays.equals(host.shape(), shape) || host.dtype() != dtype) {
            throw new IllegalArgumentException("expected " + dtype + " " + Arrays.toString(shape)
                    + ", got " + host.dtype() + " " + Arrays.toString(host.shape()));
        }
        replaceValue(Tensors.fromHostCopy(backend, host.isHost() ? host : backend.toHost(host)));
    }

    /** Adds {@code g} (owned, passed on) to the gradient. */
    void accumulateGrad(Tensor g) {
        if (grad == null) {
            grad = g;
            Live.opened();
        } else {
            Tensor sum;
            try {
                sum = Tensors.add(backend, grad, g);
            } finally {
                g.close();
            }
            grad.close();
            grad = sum;
        }
    }

    /** Replaces the value (optimizer updates), closing the old one. Only for leaves that own their value. */
    void replaceValue(Tensor newValue) {
        if (!isLeaf() || !ownsValue) {
            throw new IllegalStateException("only a leaf owning its value can be updated in place");
        }
        Tensor old = value;
        value = newValue;
        old.close();
    }

    /** Whether the two Vars hold the same storage (one is the other, or a view of it, or both view a third). */
    public boolean sharesStorageWith(Var other) {
        return storageOwner() == other.storageOwner();
    }

    /** The Var whose storage this one views (itself when it owns its value). */
    Var storageOwner() {
        return base == null ? this : base.storageOwner();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("Var " + dtype + Arrays.toString(shape) + " was closed (by its scope?)");
        }
    }

    /**
     * Ends this Var's life at its last use in inference: closes it now (its memory goes back at once: a device
     * buffer to the allocator, a host array to the garbage collector) when no graph can refer to it, that is when
     * it was made and is dropped while ops record nothing ({@link Autograd#noGrad}); otherwise it does nothing and
     * the Var lives until its scope closes, as backward may need it. The caller must own the Var (an op's result
     * it made) and not use it, or a view of it, afterwards. Parameters and buffers are never closed here.
     */
    public void drop() {
        if (!closed && madeWithoutGraph && !persistent && !requiresGrad && !Autograd.isGradEnabled()) {
            close();
        }
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        zeroGrad();
        if (node != null) {
            node.release();
        }
        Tensor v = value;
        value = null;
        if (ownsValue) {
            v.close();
            Live.closed(Live.bytesOf(v));
        }
    }

    @Override
    public String toString() {
        return "Var(" + dtype + Arrays.toString(shape) + (value == null ? "@closed" : value.isHost() ? "@host"
                : "@device") + (requiresGrad ? ", requiresGrad" : "") + (node != null ? ", " + node.name : "") + ")";
    }
}
