package org.rcnn4j.backend.cuda;

import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * What the families with F32 kernels only (elementwise, reduce, gather, losses, max_pool) share: which operands
 * the kernels serve, and fresh device outputs that are closed again when the launch that should fill them fails
 * (so a failed op leaks no device memory).
 */
final class DeviceF32 {
    private DeviceF32() {
    }

    /** Every operand is a F32 tensor on the device (null operands are skipped). */
    static boolean all(Tensor... ts) {
        for (Tensor t : ts) {
            if (t != null && !(t.isDevice() && t.dtype() == DType.F32)) {
                return false;
            }
        }
        return true;
    }

    interface Launch {
        void run(CudaDevice device, Tensor out);
    }

    /** A fresh device tensor of {@code dtype} and {@code shape} that {@code launch} fills. */
    static Tensor run(CudaDevice device, DType dtype, int[] shape, Launch launch) {
        Tensor out = Transfers.empty(device, dtype, shape);
        try {
            launch.run(device, out);
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }
}
