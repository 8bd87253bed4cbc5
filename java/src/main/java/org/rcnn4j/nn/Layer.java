package org.rcnn4j.nn;

import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.Tensor;

/**
 * A module with a single-tensor inference forward pass. Convolutions and matrix products run on the backend; the
 * elementwise parts (bias of Linear, ReLU, pooling, batch norm) run on host F32 tensors in plain Java for now, so
 * a forward pass needs host tensors (the CPU backend).
 */
public interface Layer {
    Tensor forward(Backend backend, Tensor input);
}
