package org.rcnn4j.nn;

import org.rcnn4j.tensor.DType;

/** A learnable F32 tensor; {@code requiresGrad} false marks it frozen (torch's requires_grad_(False)). */
public final class Parameter extends StateEntry {
    private boolean requiresGrad = true;

    public Parameter(int[] shape, Init init) {
        super(DType.F32, shape, init);
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    public Parameter requiresGrad(boolean value) {
        requiresGrad = value;
        return this;
    }
}
