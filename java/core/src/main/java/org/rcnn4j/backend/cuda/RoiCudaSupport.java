package org.rcnn4j.backend.cuda;

/** Settings shared by the RoI ops of the CUDA backend. */
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
}
