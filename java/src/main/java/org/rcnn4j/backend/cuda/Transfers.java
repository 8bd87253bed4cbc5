package org.rcnn4j.backend.cuda;

import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.tensor.Tensor;

/** SKELETON: host/device copies of tensors; the device-layer work fills these in. */
final class Transfers {
    private Transfers() {
    }

    static Tensor toDevice(CudaDevice device, Tensor host) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    static Tensor toHost(CudaDevice device, Tensor tensor) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
