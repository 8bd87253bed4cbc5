package org.rcnn4j.backend;

import org.rcnn4j.tensor.Tensor;

/**
 * Copies and row gathers: torch.cat along dim 0, slices of a flat range, index_select along dim 0 and its adjoint
 * (index_add of rows), and writing values into an existing tensor. Results are fresh tensors on this backend.
 * Reached as {@code backend.gather()}; cuda/gather.cu and device-to-device copies on the device.
 */
public interface Gather {
    /** The parts (one dtype, any) laid end to end in a fresh tensor of {@code shape} (numel: the parts' total). */
    Tensor concat(Tensor[] parts, int[] shape);

    /** A fresh copy of t's flat elements [offset, offset + numel(shape)), with {@code shape}. */
    Tensor slice(Tensor t, long offset, int[] shape);

    /**
     * torch.index_select(x, 0, index), torch's {@code x[index]}: x of any dtype (F32, F64, I64, I32, U8) with an I64
     * or I32 index [K] (repeats allowed): out [K, ...], x's dtype. An index outside [0, x.size(0)) throws
     * IllegalArgumentException naming it. Differentiable for F32 and F64 ({@link #indexAdd}).
     */
    Tensor indexSelect(Tensor x, Tensor index);

    /**
     * torch's {@code x[mask]} for a mask over dim 0: the rows i of x (any dtype, at least one dim) whose mask byte
     * (U8 [x.size(0)], torch's bool) is not 0, in order: [count, ...]. The CUDA backend compacts on the device and
     * reads the count back (one synchronization: the result's size depends on the data).
     */
    Tensor maskedSelect(Tensor x, Tensor mask);

    /**
     * index_select's adjoint: zeros of [rows, g's trailing dims] with row k of g added at row index[k], in order of
     * k on the CPU (repeated indices add deterministically there; atomically on the device). An index outside
     * [0, rows) throws IllegalArgumentException naming index: on the CPU at once, on CUDA at the backend's next
     * synchronization (checked on the device; the row adds nothing meanwhile).
     */
    Tensor indexAdd(Tensor g, Tensor index, int rows);

    /**
     * torch.take: out [K] = x's flat elements (F32 or F64) at index (I64 [K] on this backend): permutes and gathers
     * without a strided view. An index outside [0, numel) throws IllegalArgumentException naming index: on the CPU
     * at once, on CUDA at the backend's next synchronization (checked on the device: a caller that builds its
     * indices in range, as nn.functional's Rearrange does, must not pay a read-back).
     */
    Tensor take(Tensor x, Tensor index);

    /** Overwrites dst's values (on this backend) with src's (on the host or this backend): same dtype and numel. */
    void copyInto(Tensor src, Tensor dst);
}
