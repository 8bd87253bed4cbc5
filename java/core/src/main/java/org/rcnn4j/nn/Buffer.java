package org.rcnn4j.nn;

import org.rcnn4j.tensor.DType;

/** A persistent, non-learnable tensor of a module's state (running statistics, frozen affine terms). */
public final class Buffer extends StateEntry {
    public Buffer(DType dtype, int[] shape, Init init) {
        super(dtype, shape, init);
    }
}
