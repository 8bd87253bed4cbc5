package org.rcnn4j.nn;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/**
 * One named tensor of a module's state (a {@link Parameter} or a {@link Buffer}): its shape, dtype and init rule
 * are fixed when the module is built; its value is allocated only when initialized or loaded, so a model's layout
 * can be inspected without its memory.
 */
public abstract sealed class StateEntry permits Parameter, Buffer {
    private final DType dtype;
    private final int[] shape;
    private Init init;
    private Tensor value;

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

    public boolean hasValue() {
        return value != null;
    }

    /** The value; fails when neither initialized nor loaded. */
    public Tensor value() {
        if (value == null) {
            throw new IllegalStateException("no value yet: initialize the module (Module.initialize(seed)) or load "
                    + "a state dict");
        }
        return value;
    }

    /** Replaces the value with {@code t}, which must have this entry's dtype and shape (not copied). */
    public void set(Tensor t) {
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
        value = null;
    }
}
