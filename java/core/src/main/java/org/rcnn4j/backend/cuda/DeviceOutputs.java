package org.rcnn4j.backend.cuda;

import java.util.function.Consumer;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/** How the CUDA backend's ops produce a result: a fresh device tensor that is closed again if filling it fails. */
final class DeviceOutputs {
    private DeviceOutputs() {
    }

    /** Runs {@code fill} on a fresh device tensor, closing the tensor if it fails (device memory is not GC'd). */
    static Tensor filled(CudaDevice device, DType dtype, int[] shape, Consumer<Tensor> fill) {
        Tensor out = Transfers.empty(device, dtype, shape);
        try {
            fill.accept(out);
            return out;
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
    }
}
