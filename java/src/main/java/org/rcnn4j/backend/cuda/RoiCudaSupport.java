package org.rcnn4j.backend.cuda;

import org.rcnn4j.tensor.Tensor;

/** Checks shared by the RoI ops of the CUDA backend. */
final class RoiCudaSupport {
    private RoiCudaSupport() {
    }

    static void requireDevice(String name, Tensor t) {
        if (!t.isDevice()) {
            throw new IllegalArgumentException(name + ": expected a tensor on the CUDA device (Backend.toDevice), got "
                    + t);
        }
    }
}
