package org.rcnn4j.backend;

import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * dtype conversion (torch's Tensor.to(dtype)) between any two of F32, F64, I64, I32 and U8, and a copy for the same
 * dtype. To a floating dtype values round to nearest (F64 to F32, I64 to F32 or F64, I32 to F32); to an integer
 * dtype floating values truncate toward zero. A value the target cannot hold (a NaN or an out-of-range number to
 * an integer dtype, an integer outside the narrower integer dtype's range) throws IllegalArgumentException naming
 * x and the element, where torch's result would be undefined. Reached as {@code backend.convert()}.
 */
public interface Convert {
    /** A fresh tensor on this backend holding x's values as {@code dtype}; x on the host or on this backend. */
    Tensor to(Tensor x, DType dtype);
}
