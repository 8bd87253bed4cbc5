package org.rcnn4j.backend.cuda;

import org.rcnn4j.tensor.Tensor;

/** Checks shared by the RoI ops of the CUDA backend. */
final class RoiCudaSupport {
    /**
     * System property: "true" makes roi_align/roi_pool backward use float atomics (faster, not bit-reproducible)
     * instead of the deterministic fixed-point sums.
     */
    static final String ATOMIC_BACKWARD = "rcnn4j.roi.atomicBackward";

    private RoiCudaSupport() {
    }

    static boolean atomicBackward() {
        return Boolean.getBoolean(ATOMIC_BACKWARD);
    }

    static void requireDevice(String name, Tensor t) {
        if (!t.isDevice()) {
            throw new IllegalArgumentException(name + ": expected a tensor on the CUDA device (Backend.toDevice), got "
                    + t);
        }
    }
}
