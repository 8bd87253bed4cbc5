package org.rcnn4j.backend.cuda;

import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/** Device-tensor plumbing shared by the box op families (NmsCuda, BoxOpsCuda, AnchorsCuda, BoxCoderCuda). */
final class BoxCudaSupport {
    private BoxCudaSupport() {
    }

    /**
     * An I64 [count] tensor of the first {@code count} longs of {@code indices} (which holds room for more):
     * copied on the device into a buffer of the right size, {@code indices} closed either way.
     */
    static Tensor indices(CudaDevice device, DeviceBuffer indices, int count) {
        try (indices) {
            Tensor out = Transfers.empty(device, DType.I64, count);
            try {
                device.copyDeviceToDevice(out.deviceBuffer(), indices, 8L * count);
            } catch (RuntimeException e) {
                out.close();
                throw e;
            }
            return out;
        }
    }
}
