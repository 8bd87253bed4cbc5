package org.rcnn4j.cuda;

import java.lang.ref.Cleaner;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import jcuda.driver.CUdeviceptr;

/**
 * The device buffers one owner handed out (a backend's handle on the device, {@link CudaDevice#openHandle}, or the
 * process-wide device itself): the open ones, so that closing the owner frees them all, and those the garbage
 * collector found unreachable while still open (leaked), which a {@link Cleaner} frees and counts.
 *
 * <p>A leaked block is not reused at once: it waits in quarantine until {@link #recycleLeaked()}, which the backend
 * calls where none of its ops is running. A collection may find a tensor unreachable inside the op that last reads
 * it (after its device pointer was taken, before the launch that uses it is queued); reusing its block right then
 * could hand it to that op's own output. Queued launches are no hazard: they run on the device's one stream before
 * any later use of the block.
 *
 * <p>With {@code -Drcnn4j.debug.leaks=true} (read when the owner is made) every allocation records where it was
 * made, and every leak is logged with that stack, not only the first (a stack trace per allocation: for finding a
 * leak, not for production).
 */
final class Allocations {
    /** One daemon thread for every device's buffers. */
    static final Cleaner CLEANER = Cleaner.create();
    /** The system property that makes leak warnings name each leaked buffer's allocation site. */
    static final String DEBUG_LEAKS = "rcnn4j.debug.leaks";
    private static final System.Logger LOG = System.getLogger("org.rcnn4j.cuda");

    private final String name;
    private final CachingAllocator allocator;
    private final Set<Block> open = ConcurrentHashMap.newKeySet();
    private final Queue<Block> quarantined = new ConcurrentLinkedQueue<>();
    private final AtomicLong openBytes = new AtomicLong();
    private final AtomicLong leakedBuffers = new AtomicLong();
    private final AtomicLong leakedBytes = new AtomicLong();
    private final AtomicBoolean warned = new AtomicBoolean();
    /** Whether each block records where it was allocated ({@link #DEBUG_LEAKS}). */
    private final boolean recordSites;
    private volatile boolean closed;

    Allocations(String name, CachingAllocator allocator) {
        this.name = name;
        this.allocator = allocator;
        this.recordSites = Boolean.getBoolean(DEBUG_LEAKS);
    }

    String name() {
        return name;
    }

    /** An owning buffer of {@code bytes} bytes, tracked until it is closed, its owner closes or it leaks. */
    DeviceBuffer allocate(long bytes) {
        checkOpen();
        long size = allocator.blockSize(bytes);
        Throwable site = recordSites ? new Throwable("device buffer of " + bytes + " bytes allocated here, through "
                + name) : null;
        Block block = new Block(this, allocator, allocator.obtain(bytes), bytes, size, site);
        open.add(block);
        openBytes.addAndGet(size);
        if (closed) {
            // closed while this allocation was under way: the owner's close may have missed the block
            block.close();
            checkOpen();
        }
        return new PooledBuffer(block);
    }

    /** Throws IllegalStateException naming the owner once it is closed. */
    void checkOpen() {
        if (closed) {
            throw new IllegalStateException(name + " is closed: it can no longer allocate, copy or run kernels");
        }
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Frees every buffer still open (using one afterwards throws IllegalStateException saying why) and the leaked
     * ones in quarantine; allocations after this throw. Idempotent.
     */
    void close() {
        closed = true;
        for (Block b : open) {
            if (b.end(Block.FREED_BY_OWNER)) {
                forget(b);
                allocator.release(b.pointer, b.blockSize);
            }
        }
        recycleLeaked();
    }

    /** Returns the leaked blocks in quarantine to the allocator's cache. */
    void recycleLeaked() {
        for (Block b = quarantined.poll(); b != null; b = quarantined.poll()) {
            allocator.releaseLeaked(b.pointer, b.blockSize);
        }
    }

    long openBuffers() {
        return open.size();
    }

    long openBytes() {
        return openBytes.get();
    }

    long leakedBuffers() {
        return leakedBuffers.get();
    }

    long leakedBytes() {
        return leakedBytes.get();
    }

    private void forget(Block b) {
        if (open.remove(b)) {
            openBytes.addAndGet(-b.blockSize);
        }
    }

    /**
     * The Cleaner's action for an open block whose buffer became unreachable (on the Cleaner's thread, the only one
     * that counts leaks). It warns before it counts: whoever sees the count (a test waiting for a leak it made) has
     * seen the warning too, rather than having it show up later, among other code's output.
     */
    private void leaked(Block b) {
        long count = leakedBuffers.get() + 1;
        if (b.site != null) {
            LOG.log(System.Logger.Level.WARNING, name + ": a device tensor of " + b.blockSize + " bytes was "
                    + "garbage-collected without close() (leak " + count + "); a safety net freed it. Where it was "
                    + "allocated:", b.site);
        } else if (warned.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "{0}: {1} device tensor(s) of {2} bytes were garbage-collected "
                    + "without close(); a safety net freed them. Close device tensors (try-with-resources): until "
                    + "a collection finds them, leaked tensors hold device memory. Later leaks are counted "
                    + "(Backend.stats().leakedTensors()), not logged; -D" + DEBUG_LEAKS + "=true logs each "
                    + "with where it was allocated.", name, String.valueOf(count), String.valueOf(b.blockSize));
        }
        forget(b);
        quarantined.add(b);
        leakedBytes.addAndGet(b.blockSize);
        leakedBuffers.incrementAndGet(); // last: whoever sees the count sees the bytes and the warning too
        if (closed) {
            recycleLeaked();
        }
    }

    /**
     * One block's state, and the Cleaner's action for its buffer. It refers to the owner and the memory, never to
     * the {@link PooledBuffer} (which would then stay reachable forever); its state leaves OPEN exactly once, so an
     * explicit close, the owner's close and the Cleaner free a block once between them.
     */
    static final class Block implements Runnable {
        static final int OPEN = 0;
        static final int CLOSED = 1;
        static final int FREED_BY_OWNER = 2;
        static final int LEAKED = 3;

        private final Allocations owner;
        private final CachingAllocator allocator;
        final CUdeviceptr pointer;
        final long size;
        final long blockSize;
        /** Where the block was allocated, when its owner records sites ({@link #DEBUG_LEAKS}); else null. */
        final Throwable site;
        private final AtomicInteger state = new AtomicInteger(OPEN);

        /** owner null: an untracked block (the allocator's own tests), freed at once when leaked. */
        Block(Allocations owner, CachingAllocator allocator, CUdeviceptr pointer, long size, long blockSize,
                Throwable site) {
            this.owner = owner;
            this.allocator = allocator;
            this.pointer = pointer;
            this.size = size;
            this.blockSize = blockSize;
            this.site = site;
        }

        boolean isOpen() {
            return state.get() == OPEN;
        }

        private boolean end(int how) {
            return state.compareAndSet(OPEN, how);
        }

        /** The buffer's explicit close: back to the allocator's cache. */
        void close() {
            if (end(CLOSED)) {
                if (owner != null) {
                    owner.forget(this);
                }
                allocator.release(pointer, blockSize);
            }
        }

        /** The Cleaner's action (also run by {@code Cleanable.clean()} after a close, when it does nothing). */
        @Override
        public void run() {
            if (end(LEAKED)) {
                if (owner != null) {
                    owner.leaked(this);
                } else {
                    allocator.release(pointer, blockSize);
                }
            }
        }

        /** Why the block can no longer be used. */
        String whyUnusable() {
            if (state.get() == FREED_BY_OWNER) {
                return "device buffer of " + size + " bytes used after " + owner.name + " was closed (closing it "
                        + "frees every buffer it handed out)";
            }
            return "device buffer of " + size + " bytes used after close";
        }
    }
}
