package org.rcnn4j.cuda;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * Keeps freed device blocks for reuse, because cuMemAlloc/cuMemFree cost a driver round trip (cuMemFree also
 * synchronizes the device) and detection inference allocates and frees the same sizes every image. Sizes are
 * rounded to classes (512 B steps below 1 MiB, 2 MiB steps above) and a block is reused only for its own class.
 *
 * <p>With {@code exactSizes} (the default on the emulator) a block is exactly the requested size and reused only
 * for that size, so the emulator's guard bands around each allocation catch a kernel writing past the end of its
 * buffer, which rounding up would hide.
 *
 * <p>Reuse is safe without events because every kernel and copy runs on the device's single stream: work queued
 * after a reallocation runs after the work that used the block before it was freed.
 */
final class CachingAllocator {
    static final long SMALL_STEP = 512;
    static final long LARGE_THRESHOLD = 1L << 20;
    static final long LARGE_STEP = 2L << 20;

    private final CudaDevice device;
    private final boolean exactSizes;
    private final Map<Long, ArrayDeque<CUdeviceptr>> cached = new HashMap<>();
    private long bytesInUse;
    private long bytesCached;
    private long liveAllocations;
    /** Blocks of leaked buffers the safety net returned to the cache, and their bytes. */
    private long leaksRecycled;
    private long leakedBytesRecycled;

    CachingAllocator(CudaDevice device, boolean exactSizes) {
        this.device = device;
        this.exactSizes = exactSizes;
    }

    /** The size of the block serving a request of {@code bytes}. */
    long blockSize(long bytes) {
        if (exactSizes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("bytes: must be >= 0, got " + bytes);
            }
            return Math.max(1, bytes);
        }
        return sizeClass(bytes);
    }

    /** The block size serving a request of {@code bytes} (zero-byte requests get the smallest block). */
    static long sizeClass(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes: must be >= 0, got " + bytes);
        }
        if (bytes < LARGE_THRESHOLD) {
            return Math.max(SMALL_STEP, roundUp(bytes, SMALL_STEP));
        }
        return roundUp(bytes, LARGE_STEP);
    }

    private static long roundUp(long bytes, long step) {
        return Math.addExact(bytes, step - 1) / step * step;
    }

    /** An owning buffer of a block for {@code bytes}, not tracked by any owner (tests of the allocator itself). */
    DeviceBuffer allocate(long bytes) {
        return new PooledBuffer(new Allocations.Block(null, this, obtain(bytes), bytes, blockSize(bytes), null));
    }

    /** A block of {@link #blockSize}(bytes) bytes, from the cache or the driver, counted as in use. */
    synchronized CUdeviceptr obtain(long bytes) {
        long size = blockSize(bytes);
        ArrayDeque<CUdeviceptr> free = cached.get(size);
        CUdeviceptr block = free == null ? null : free.pollLast();
        if (block != null) {
            bytesCached -= size;
        } else {
            block = allocateFromDriver(size, bytes);
        }
        bytesInUse += size;
        liveAllocations++;
        return block;
    }

    private CUdeviceptr allocateFromDriver(long size, long requested) {
        device.enter();
        CUdeviceptr block = new CUdeviceptr();
        int result = JCudaDriver.cuMemAlloc(block, size);
        if (result == CUresult.CUDA_ERROR_OUT_OF_MEMORY && bytesCached > 0) {
            // the cache may hold the memory this request needs: give it back to the driver and try once more
            emptyCache();
            block = new CUdeviceptr();
            result = JCudaDriver.cuMemAlloc(block, size);
        }
        Driver.check(result, "cuMemAlloc of " + size + " bytes (for a request of " + requested + " bytes; "
                + bytesInUse + " bytes in use, " + bytesCached + " cached)");
        return block;
    }

    /** Called once per block by its owner (an explicit close, its owner's close, or the leak safety net). */
    synchronized void release(CUdeviceptr block, long size) {
        bytesInUse -= size;
        liveAllocations--;
        cached.computeIfAbsent(size, k -> new ArrayDeque<>()).addLast(block);
        bytesCached += size;
    }

    /** {@link #release} of a leaked buffer's block, counted apart (see {@link CudaDevice#bytesInUse()}). */
    synchronized void releaseLeaked(CUdeviceptr block, long size) {
        release(block, size);
        leaksRecycled++;
        leakedBytesRecycled += size;
    }

    /** Frees every cached block to the driver, after the stream has finished with them. */
    synchronized void emptyCache() {
        if (bytesCached == 0) {
            return;
        }
        device.synchronize();
        device.enter();
        CudaException failure = null;
        for (Map.Entry<Long, ArrayDeque<CUdeviceptr>> e : cached.entrySet()) {
            for (CUdeviceptr block : e.getValue()) {
                bytesCached -= e.getKey();
                int result = JCudaDriver.cuMemFree(block);
                if (result != CUresult.CUDA_SUCCESS && failure == null) {
                    failure = new CudaException("cuMemFree of a cached " + e.getKey() + "-byte block failed: "
                            + Driver.describe(result), result);
                }
            }
        }
        cached.clear();
        if (failure != null) {
            throw failure;
        }
    }

    synchronized long bytesInUse() {
        return bytesInUse;
    }

    /** {@link #bytesInUse()} plus the bytes of the leaked blocks recycled so far. */
    synchronized long bytesInUseCountingLeaks() {
        return bytesInUse + leakedBytesRecycled;
    }

    /** {@link #liveAllocations()} plus the leaked blocks recycled so far. */
    synchronized long liveAllocationsCountingLeaks() {
        return liveAllocations + leaksRecycled;
    }

    synchronized long bytesCached() {
        return bytesCached;
    }

    synchronized long liveAllocations() {
        return liveAllocations;
    }
}
