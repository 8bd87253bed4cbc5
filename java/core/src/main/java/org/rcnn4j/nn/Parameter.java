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

    /**
     * Freezes (false) or thaws the parameter. When the module is bound, its Var follows at once: graphs recorded from
     * then on gather no gradient for a frozen parameter, and {@link Block#trainableVars()} leaves it out.
     */
    public Parameter requiresGrad(boolean value) {
        requiresGrad = value;
        if (isBound()) {
            var().requiresGrad(value);
        }
        return this;
    }
}
