package org.rcnn4j.cuda;

import jcuda.driver.CUdeviceptr;

/** An owning block of the caching allocator. */
final class PooledBuffer implements DeviceBuffer {
    private final CachingAllocator allocator;
    private final CUdeviceptr block;
    private final long size;
    private final long blockSize;
    private volatile boolean closed;

    PooledBuffer(CachingAllocator allocator, CUdeviceptr block, long size, long blockSize) {
        this.allocator = allocator;
        this.block = block;
        this.size = size;
        this.blockSize = blockSize;
    }

    @Override
    public CUdeviceptr pointer() {
        if (closed) {
            throw new IllegalStateException("device buffer of " + size + " bytes used after close");
        }
        return block;
    }

    @Override
    public long byteSize() {
        return size;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        allocator.release(block, blockSize);
    }

    @Override
    public String toString() {
        return "DeviceBuffer of " + size + " bytes" + (closed ? " (closed)" : "");
    }
}
