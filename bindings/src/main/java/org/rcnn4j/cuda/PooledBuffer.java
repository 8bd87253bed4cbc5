package org.rcnn4j.cuda;

import java.lang.ref.Cleaner;
import jcuda.driver.CUdeviceptr;

/**
 * An owning block of the caching allocator. Closing it returns the block to the cache; so does its owner's close
 * ({@link Allocations#close}), and, should it become unreachable while open, the Cleaner (counted as a leak). The
 * block's state ({@link Allocations.Block}) makes sure the three free it once between them.
 */
final class PooledBuffer implements DeviceBuffer {
    private final Allocations.Block block;
    private final Cleaner.Cleanable cleanable;

    PooledBuffer(Allocations.Block block) {
        this.block = block;
        this.cleanable = Allocations.CLEANER.register(this, block);
    }

    @Override
    public CUdeviceptr pointer() {
        if (!block.isOpen()) {
            throw new IllegalStateException(block.whyUnusable());
        }
        return block.pointer;
    }

    @Override
    public long byteSize() {
        return block.size;
    }

    @Override
    public void close() {
        block.close();
        // unregisters the safety net; its action finds the block closed and does nothing
        cleanable.clean();
    }

    @Override
    public String toString() {
        return "DeviceBuffer of " + block.size + " bytes" + (block.isOpen() ? "" : " (closed)");
    }
}
