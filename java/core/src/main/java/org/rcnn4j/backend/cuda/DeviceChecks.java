package org.rcnn4j.backend.cuda;

import org.rcnn4j.tensor.Tensor;

/** The argument check every op of the CUDA backend makes: its tensors must already live on the device. */
final class DeviceChecks {
    private DeviceChecks() {
    }

    static void requireDevice(String name, Tensor t) {
        if (!t.isDevice()) {
            throw new IllegalArgumentException(name + ": expected a tensor on the CUDA device (Backend.toDevice), got "
                    + t);
        }
    }
}
