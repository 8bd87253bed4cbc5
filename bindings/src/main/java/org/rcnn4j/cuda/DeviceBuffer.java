package org.rcnn4j.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * A region of device memory. The owner closes it exactly once (closing again does nothing); {@link #view()} and
 * {@link #slice} give non-owning aliases (closing one does nothing). Using an owner, or any alias of it, after the
 * owner was closed throws {@link IllegalStateException}.
 */
public interface DeviceBuffer extends AutoCloseable {
    /** The device address (JCuda pointer) of the first byte. */
    CUdeviceptr pointer();

    /** Usable bytes. */
    long byteSize();

    /** A non-owning alias of the same memory. */
    default DeviceBuffer view() {
        return slice(0, byteSize());
    }

    /** A non-owning alias of {@code byteSize} bytes starting {@code byteOffset} bytes into this buffer. */
    default DeviceBuffer slice(long byteOffset, long byteSize) {
        return new BufferView(this, byteOffset, byteSize);
    }

    /** Returns the memory to its allocator (owner) or does nothing (view). Idempotent. */
    @Override
    void close();

    /**
     * Device memory rcnn4j does not own (another framework's allocation), usable wherever rcnn4j takes a
     * DeviceBuffer; closing it does nothing.
     */
    static DeviceBuffer wrap(CUdeviceptr pointer, long byteSize) {
        return new ForeignBuffer(pointer, byteSize);
    }
}
