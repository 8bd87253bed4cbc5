package org.rcnn4j.cuda;

/**
 * SKELETON of a checked kernel launch (the device-layer work fills it in): arguments are DeviceBuffer or
 * CUdeviceptr (pointers), Integer, Long, Float, Double, in the kernel's parameter order. A failed launch throws
 * CudaException naming the kernel and the CUDA error.
 */
public final class Kernel {
    public void launch(Grid grid, Object... args) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
