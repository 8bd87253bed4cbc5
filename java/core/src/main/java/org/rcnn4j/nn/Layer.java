package org.rcnn4j.nn;

import org.rcnn4j.autograd.Var;

/**
 * A module with a single-input forward pass on the backend it is bound to ({@link Block#to}). Forward passes are
 * differentiable; under {@code Autograd.noGrad()} they record nothing (inference).
 */
public interface Layer {
    Var forward(Var input);
}
