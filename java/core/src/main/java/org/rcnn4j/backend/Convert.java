package org.rcnn4j.backend;

import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * dtype conversion (torch's Tensor.to(dtype)): F32 &harr; F64 (F64 to F32 rounds to nearest), I32 &rarr; I64,
 * U8 &rarr; F32 or F64, and a copy for the same dtype. Reached as {@code backend.convert()}.
 */
public interface Convert {
    /** A fresh tensor on this backend holding x's values as {@code dtype}; x on the host or on this backend. */
    Tensor to(Tensor x, DType dtype);
}
