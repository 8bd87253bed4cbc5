package org.rcnn4j.cuda;

import java.util.Objects;
import jcuda.driver.CUdeviceptr;

/** Memory owned by someone else (see {@link DeviceBuffer#wrap}). */
final class ForeignBuffer implements DeviceBuffer {
    private final CUdeviceptr pointer;
    private final long size;

    ForeignBuffer(CUdeviceptr pointer, long size) {
        this.pointer = Objects.requireNonNull(pointer, "pointer");
        if (size < 0) {
            throw new IllegalArgumentException("byteSize: must be >= 0, got " + size);
        }
        this.size = size;
    }

    @Override
    public CUdeviceptr pointer() {
        return pointer;
    }

    @Override
    public long byteSize() {
        return size;
    }

    @Override
    public void close() {
        // not ours to free
    }

    @Override
    public String toString() {
        return "foreign DeviceBuffer of " + size + " bytes";
    }
}
