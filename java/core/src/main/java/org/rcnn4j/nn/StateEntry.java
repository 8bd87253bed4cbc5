package org.rcnn4j.nn;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/**
 * One named tensor of a module's state (a {@link Parameter} or a {@link Buffer}): its shape, dtype and init rule
 * are fixed when the module is built; its value is allocated only when initialized or loaded, so a model's layout
 * can be inspected without its memory. While the module is bound to a backend ({@link Block#to}) the value lives in
 * a {@link Var} there, which training updates; {@link #value()} then reads it back.
 */
public abstract sealed class StateEntry permits Parameter, Buffer {
    private final DType dtype;
    private final int[] shape;
    private Init init;
    private Tensor value;
    private Var var;

    StateEntry(DType dtype, int[] shape, Init init) {
        Shapes.numel(shape); // validates
        this.dtype = dtype;
        this.shape = shape.clone();
        this.init = init;
    }

    public DType dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int numel() {
        return Shapes.numel(shape);
    }

    public Init init() {
        return init;
    }

    /** Replaces the init rule (as torchvision's modules re-initialize the layers they build). */
    public void init(Init rule) {
        init = java.util.Objects.requireNonNull(rule, "init");
    }

    /** Whether there is a value (on the host, or bound to a backend). */
    public boolean hasValue() {
        return value != null || var != null;
    }

    /** The value (a host copy of the bound Var's while bound); fails when neither initialized nor loaded. */
    public Tensor value() {
        if (var != null) {
            return convert(var.backend().toHost(var.value()), dtype);
        }
        if (value == null) {
            throw new IllegalStateException("no value yet: initialize the module (Block.initialize(seed)) or load "
                    + "a state dict");
        }
        return value;
    }

    /** Replaces the value with {@code t}, which must have this entry's dtype and shape (not copied). */
    public void set(Tensor t) {
        if (var != null) {
            throw new IllegalStateException("the module is bound to " + var.backend().name() + ": release() it before "
                    + "setting values");
        }
        if (t.dtype() != dtype || !Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException("expected " + dtype + Shapes.format(shape) + ", got " + t.dtype()
                    + Shapes.format(t.shape()));
        }
        value = t;
    }

    /** Draws a fresh value with the init rule. */
    public void initialize(RandomGenerator rng) {
        set(init.create(dtype, shape, rng));
    }

    /** Drops the value (frees its memory). */
    public void clear() {
        unbind();
        value = null;
    }

    /** The value as a Var on the bound backend (a gradient-gathering leaf for a trainable parameter). */
    public Var var() {
        if (var == null) {
            throw new IllegalStateException("not bound to a backend: call Block.to(backend) first");
        }
        return var;
    }

    boolean isBound() {
        return var != null;
    }

    /**
     * Binds the value as a Var on {@code backend}; an F32 entry is bound as {@code floatType} (F32, or F64 for
     * float64 gradient checks), every other dtype as is.
     */
    void bind(Backend backend, boolean requiresGrad, DType floatType) {
        Tensor v = value();
        unbind();
        var = Var.persistent(backend, backend.toDevice(dtype == DType.F32 ? convert(v, floatType) : v),
                requiresGrad);
        value = null;
    }

    /** Copies the bound value back to the host and frees the Var. */
    void unbind() {
        if (var != null) {
            Var old = var;
            var = null;
            Tensor host = old.backend().toHost(old.value()); // on the CPU backend the same tensor: closing it is a no-op
            value = convert(host, dtype);
            old.close();
        }
    }

    /** {@code t} (host) in {@code to}: itself when it already is, else an F32 <-> F64 copy. */
    private static Tensor convert(Tensor t, DType to) {
        if (t.dtype() == to) {
            return t;
        }
        if (t.dtype() == DType.F32 && to == DType.F64) {
            float[] f = t.floats();
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            return Tensor.ofDoubles(d, t.shape());
        }
        if (t.dtype() == DType.F64 && to == DType.F32) {
            double[] d = t.doubles();
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                f[i] = (float) d[i];
            }
            return Tensor.ofFloats(f, t.shape());
        }
        throw new IllegalArgumentException("cannot convert " + t.dtype() + " to " + to);
    }
}
