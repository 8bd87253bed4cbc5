package org.rcnn4j.cuda;

/**
 * SKELETON of the device layer's API (the device-layer work replaces the bodies, keeping these signatures):
 * one CUDA device, real or emulated, with its retained primary context, rcnn4j's stream, a caching allocator
 * and the kernels of rcnn4j's fatbin.
 */
public final class CudaDevice implements AutoCloseable {

    /** Opens device {@code ordinal}; {@code emulated} selects the CPU emulation of CUDA (cuda-emu). */
    public static CudaDevice open(boolean emulated, int ordinal) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public boolean isEmulated() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Device memory from the caching allocator; contents undefined. */
    public DeviceBuffer allocate(long bytes) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** A kernel of rcnn4j's fatbin by its extern "C" name. */
    public Kernel kernel(String name) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public void copyHostToDevice(DeviceBuffer dst, Object hostArray) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public void copyDeviceToHost(Object hostArray, DeviceBuffer src) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public void synchronize() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    @Override
    public void close() {
    }
}
