package org.rcnn4j.autograd.cuda;

import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cuda.CudaBackend;
import org.rcnn4j.backend.cuda.Transfers;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * What autograd's F32 CUDA paths share: which tensors they serve, and fresh device outputs that are closed again
 * when the launch that should fill them fails (so a failed op leaks no device memory).
 */
final class DeviceF32 {
    private DeviceF32() {
    }

    /** A device F32 tensor on a CUDA backend. */
    static boolean supports(Backend backend, Tensor t) {
        return backend instanceof CudaBackend && t.isDevice() && t.dtype() == DType.F32;
    }

    static CudaDevice device(Backend backend) {
        return ((CudaBackend) backend).device();
    }

    /** A fresh device tensor with undefined contents. */
    static Tensor empty(Backend backend, DType dtype, int... shape) {
        return Transfers.empty(device(backend), dtype, shape);
    }

    interface Launch {
        void run(CudaDevice device, Tensor out);
    }

    /** A fresh device tensor of {@code dtype} and {@code shape} that {@code launch} fills. */
    static Tensor run(Backend backend, DType dtype, int[] shape, Launch launch) {
        Tensor out = empty(backend, dtype, shape);
        try {
            launch.run(device(backend), out);
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }
}
