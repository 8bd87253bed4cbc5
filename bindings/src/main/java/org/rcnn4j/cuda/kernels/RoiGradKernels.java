package org.rcnn4j.cuda.kernels;

import jcuda.driver.CUdeviceptr;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.Grid;

/**
 * The pointer-level face of cuda/roi_grad.cu: the deterministic backward of roi_align and roi_pool sums
 * fixed-point integers (see cuda/include/rcnn4j/roi_grad.cuh). {@link #run} queues the whole sequence around a
 * family's accumulate kernel: zero the gradient and a fixed-point scratch, find max |grad_output|, accumulate,
 * convert. The scratch comes from the device's caching allocator and goes back to it right after queueing, which
 * is safe because all work runs on the device's one stream.
 */
public final class RoiGradKernels {
    public static final String MAX_ABS_F32 = "rcnn4j_roi_grad_max_abs_f32";
    public static final String MAX_ABS_F64 = "rcnn4j_roi_grad_max_abs_f64";
    public static final String FROM_FIXED_F32 = "rcnn4j_roi_grad_from_fixed_f32";
    public static final String FROM_FIXED_F64 = "rcnn4j_roi_grad_from_fixed_f64";

    private static final int BLOCK = 256;
    private static final long MAX_BLOCKS = 4096;

    private RoiGradKernels() {
    }

    /** Launches a family's fixed-point accumulate kernel given the scratch pointers. */
    @FunctionalInterface
    interface Accumulate {
        void launch(CUdeviceptr fixed, CUdeviceptr maxAbsBits);
    }

    /**
     * gradInput (gradInputElements of 4 or 8 bytes, {@code f64}) receives the deterministic gradient; gradOutput
     * holds gradOutputElements values; accumulate launches the family's _fixed kernel.
     */
    static void run(CudaDevice device, boolean f64, CUdeviceptr gradOutput, long gradOutputElements,
            CUdeviceptr gradInput, long gradInputElements, long bound, Accumulate accumulate) {
        if (gradInputElements == 0) {
            return;
        }
        device.memsetZero(DeviceBuffer.wrap(gradInput, gradInputElements * (f64 ? 8 : 4)));
        try (DeviceBuffer fixed = device.allocate(gradInputElements * 8); DeviceBuffer maxAbs = device.allocate(8)) {
            device.memsetZero(fixed);
            device.memsetZero(maxAbs);
            if (gradOutputElements > 0) {
                device.kernel(f64 ? MAX_ABS_F64 : MAX_ABS_F32).launch(grid(gradOutputElements), gradOutput,
                        gradOutputElements, maxAbs.pointer());
                accumulate.launch(fixed.pointer(), maxAbs.pointer());
            }
            device.kernel(f64 ? FROM_FIXED_F64 : FROM_FIXED_F32).launch(grid(gradInputElements), fixed.pointer(),
                    gradInput, gradInputElements, maxAbs.pointer(), bound);
        }
    }

    private static Grid grid(long n) {
        return Grid.of((int) Math.min((n + BLOCK - 1) / BLOCK, MAX_BLOCKS), 1, 1, BLOCK, 1, 1);
    }
}
