package org.rcnn4j.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * Pinned host blocks that uploads go through so that they do not wait for the device: the Java array is copied
 * into a free block, the block is queued to the device with cuMemcpyHtoDAsync on rcnn4j's stream (ordered after
 * the kernels queued before it, which may still read the destination), and an event marks when the block may be
 * reused. A synchronous cuMemcpyHtoD from pageable memory would first wait for the stream to drain.
 *
 * <p>Blocks are kept and reused; past {@link #MAX_PINNED_BYTES} in blocks still in flight, {@link #upload}
 * returns false and the caller copies synchronously instead.
 */
final class UploadStaging {
    /** Pinned memory held at most (pinned memory is taken from the host's page-locked budget). */
    static final long MAX_PINNED_BYTES = 256L << 20;
    private static final long MIN_BLOCK = 64L << 10;

    private static final class Block {
        final Pointer host = new Pointer();
        final ByteBuffer buffer;
        final long bytes;
        final CUevent done = new CUevent();
        boolean queued;

        Block(long bytes) {
            this.bytes = bytes;
            Driver.check(JCudaDriver.cuMemAllocHost(host, bytes), "cuMemAllocHost of " + bytes + " bytes");
            Driver.check(JCudaDriver.cuEventCreate(done, CUevent_flags.CU_EVENT_DISABLE_TIMING), "cuEventCreate");
            buffer = host.getByteBuffer(0, bytes).order(ByteOrder.nativeOrder());
        }

        boolean free() {
            if (!queued) {
                return true;
            }
            int r = JCudaDriver.cuEventQuery(done);
            if (r == CUresult.CUDA_SUCCESS) {
                queued = false;
                return true;
            }
            if (r != CUresult.CUDA_ERROR_NOT_READY) {
                Driver.check(r, "cuEventQuery on an upload's staging block");
            }
            return false;
        }
    }

    private final List<Block> blocks = new ArrayList<>();
    private long pinnedBytes;

    /**
     * Queues the upload of {@code count} elements of {@code hostArray} from {@code offset} ({@code bytes} bytes) to
     * dst; false when no block could be had without going over {@link #MAX_PINNED_BYTES}.
     */
    synchronized boolean upload(CUdeviceptr dst, Object hostArray, int offset, int count, long bytes,
            CUstream stream) {
        Block block = null;
        for (Block b : blocks) {
            if (b.bytes >= bytes && b.free() && (block == null || b.bytes < block.bytes)) {
                block = b;
            }
        }
        if (block == null) {
            long size = Math.max(MIN_BLOCK, Long.highestOneBit(bytes - 1) << 1);
            if (pinnedBytes + size > MAX_PINNED_BYTES) {
                releaseFree();
                if (pinnedBytes + size > MAX_PINNED_BYTES) {
                    return false;
                }
            }
            block = new Block(size);
            blocks.add(block);
            pinnedBytes += size;
        }
        fill(block.buffer, hostArray, offset, count);
        Driver.check(JCudaDriver.cuMemcpyHtoDAsync(dst, block.host, bytes, stream), "cuMemcpyHtoDAsync of "
                + bytes + " bytes");
        Driver.check(JCudaDriver.cuEventRecord(block.done, stream), "cuEventRecord after an upload");
        block.queued = true;
        return true;
    }

    /** Frees the blocks no upload uses now. */
    private void releaseFree() {
        for (int i = blocks.size() - 1; i >= 0; i--) {
            Block b = blocks.get(i);
            if (b.free()) {
                JCudaDriver.cuMemFreeHost(b.host);
                JCudaDriver.cuEventDestroy(b.done);
                pinnedBytes -= b.bytes;
                blocks.remove(i);
            }
        }
    }

    private static void fill(ByteBuffer buffer, Object array, int offset, int count) {
        buffer.clear();
        if (array instanceof float[] a) {
            buffer.asFloatBuffer().put(a, offset, count);
        } else if (array instanceof double[] a) {
            buffer.asDoubleBuffer().put(a, offset, count);
        } else if (array instanceof long[] a) {
            buffer.asLongBuffer().put(a, offset, count);
        } else if (array instanceof int[] a) {
            buffer.asIntBuffer().put(a, offset, count);
        } else if (array instanceof byte[] a) {
            buffer.put(a, offset, count);
        } else {
            throw new IllegalArgumentException("host array must be float[], double[], long[], int[] or byte[], got "
                    + (array == null ? "null" : array.getClass().getSimpleName()));
        }
    }
}
