/**
 * Reverse-mode automatic differentiation: {@link org.rcnn4j.autograd.Var} records each op on a tape, {@link
 * org.rcnn4j.autograd.Autograd} runs the backward pass, {@link org.rcnn4j.autograd.Scope} closes what a step
 * allocated, and the functional layer (convolutions, pooling, batch norm, losses, reshapes) that the layers of
 * {@code org.rcnn4j.nn} are made of. Every op runs on the backend its inputs live on.
 */
package org.rcnn4j.autograd;
