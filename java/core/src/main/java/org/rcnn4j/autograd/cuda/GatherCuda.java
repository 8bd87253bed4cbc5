package org.rcnn4j.autograd.cuda;

import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cuda.CudaBackend;
import org.rcnn4j.backend.cuda.Transfers;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.kernels.GatherKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * Autograd's concat, row gather (index_select) and their adjoints on device tensors: concat and its slices are
 * device-to-device copies (any dtype), the gather runs cuda/gather.cu (F32). Results are fresh device tensors.
 */
public final class GatherCuda {
    private GatherCuda() {
    }

    /** Whether the CUDA paths here serve this tensor (a device tensor on a CUDA backend). */
    public static boolean supports(Backend backend, Tensor t) {
        return backend instanceof CudaBackend && t.isDevice();
    }

    private static CudaDevice device(Backend b) {
        return ((CudaBackend) b).device();
    }

    /** The parts (device tensors of one dtype) laid end to end in a tensor of {@code shape}. */
    public static Tensor concat(Backend b, Tensor[] parts, int[] shape) {
        CudaDevice d = device(b);
        Tensor out = Transfers.empty(d, parts[0].dtype(), shape);
        try {
            long at = 0;
            int bytes = parts[0].dtype().bytes();
            for (Tensor p : parts) {
                long n = (long) p.numel() * bytes;
                if (n > 0) {
                    d.copyDeviceToDevice(out.deviceBuffer().slice(at, n), p.deviceBuffer(), n);
                }
                at += n;
            }
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /** A fresh copy of elements [offset, offset + numel(shape)) of a device tensor, with {@code shape}. */
    public static Tensor slice(Backend b, Tensor t, long offset, int[] shape) {
        CudaDevice d = device(b);
        Tensor out = Transfers.empty(d, t.dtype(), shape);
        try {
            long n = (long) out.numel() * t.dtype().bytes();
            if (n > 0) {
                d.copyDeviceToDevice(out.deviceBuffer(), t.deviceBuffer().slice(offset * t.dtype().bytes(), n), n);
            }
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /** index as a device I64 tensor: the tensor itself when it already is one, else a fresh upload (owned). */
    public static Tensor deviceIndex(Backend b, Tensor index, long[] values) {
        if (index.isDevice() && index.dtype() == DType.I64) {
            return index;
        }
        return b.toDevice(Tensor.ofLongs(values.clone(), values.length));
    }

    /** out [k, ...] = rows of x (F32 device) picked by a device I64 index [k]. */
    public static Tensor rows(Backend b, Tensor x, Tensor index, int row, int[] outShape) {
        CudaDevice d = device(b);
        Tensor out = Transfers.empty(d, DType.F32, outShape);
        try {
            GatherKernels.rows(d, x.deviceBuffer(), index.deviceBuffer(), out.deviceBuffer(), index.numel(), row);
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /** The adjoint of {@link #rows}: zeros of {@code shape} with g's rows added at their indices. */
    public static Tensor scatterAddRows(Backend b, Tensor g, Tensor index, int row, int[] shape) {
        CudaDevice d = device(b);
        Tensor out = Transfers.zeros(d, DType.F32, shape);
        try {
            DeviceBuffer buf = out.deviceBuffer();
            GatherKernels.scatterAddRows(d, g.deviceBuffer(), index.deviceBuffer(), buf, index.numel(), row);
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }
}
