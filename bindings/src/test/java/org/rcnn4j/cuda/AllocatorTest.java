package org.rcnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllocatorTest {

    @Test
    void sizeClassesRoundTo512BytesBelowOneMebibyteAnd2MebibytesAbove() {
        assertEquals(512, CachingAllocator.sizeClass(0));
        assertEquals(512, CachingAllocator.sizeClass(1));
        assertEquals(512, CachingAllocator.sizeClass(512));
        assertEquals(1024, CachingAllocator.sizeClass(513));
        assertEquals(1L << 20, CachingAllocator.sizeClass((1L << 20) - 1));
        assertEquals(2L << 20, CachingAllocator.sizeClass(1L << 20));
        assertEquals(2L << 20, CachingAllocator.sizeClass(2L << 20));
        assertEquals(4L << 20, CachingAllocator.sizeClass((2L << 20) + 1));
        assertThrows(IllegalArgumentException.class, () -> CachingAllocator.sizeClass(-1));
    }

    @Test
    void exactModeKeepsRequestSizesAndClassModeRoundsThem() {
        CachingAllocator exact = new CachingAllocator(null, true);
        CachingAllocator classes = new CachingAllocator(null, false);
        assertEquals(1000, exact.blockSize(1000));
        assertEquals(1, exact.blockSize(0));
        assertEquals(1024, classes.blockSize(1000));
        assertEquals(512, classes.blockSize(0));
        assertThrows(IllegalArgumentException.class, () -> exact.blockSize(-1));
    }

    @Test
    void sizeClassModeServesEveryRequestOfAClassFromOneFreedBlock() {
        CachingAllocator classes = new CachingAllocator(TestDevice.get(), false);
        DeviceBuffer a = classes.allocate(1000);
        var address = a.pointer();
        assertEquals(1024, classes.bytesInUse());
        a.close();
        DeviceBuffer b = classes.allocate(600);
        assertSame(address, b.pointer());
        assertEquals(600, b.byteSize());
        assertEquals(0, classes.bytesCached());
        DeviceBuffer c = classes.allocate(3L << 20);
        assertEquals(1024 + (4L << 20), classes.bytesInUse());
        b.close();
        c.close();
        assertEquals(0, classes.bytesInUse());
        assertEquals(0, classes.liveAllocations());
        classes.emptyCache();
        assertEquals(0, classes.bytesCached());
    }

    @Test
    void freedBlocksAreReusedForRequestsOfTheirBlockSize() {
        CudaDevice d = TestDevice.get();
        long inUse = d.bytesInUse();
        long live = d.liveAllocations();
        DeviceBuffer a = d.allocate(1000);
        assertEquals(1000, a.byteSize());
        assertEquals(inUse + d.blockSize(1000), d.bytesInUse());
        assertEquals(live + 1, d.liveAllocations());
        var address = a.pointer();
        a.close();
        assertEquals(inUse, d.bytesInUse());
        assertTrue(d.bytesCached() >= d.blockSize(1000));
        long cached = d.bytesCached();
        // the smallest request of the same block size gets the freed block back
        long sameBlock = d.blockSize(1000) == 1000 ? 1000 : 513;
        DeviceBuffer b = d.allocate(sameBlock);
        assertSame(address, b.pointer());
        assertEquals(cached - d.blockSize(1000), d.bytesCached());
        DeviceBuffer c = d.allocate(3000); // another block size: a new block
        assertNotSame(address, c.pointer());
        b.close();
        c.close();
        assertEquals(inUse, d.bytesInUse());
        assertEquals(live, d.liveAllocations());
    }

    @Test
    void emptyCacheReturnsCachedBlocksToTheDriver() {
        CudaDevice d = TestDevice.get();
        List<DeviceBuffer> buffers = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            buffers.add(d.allocate(i * 700_000L));
        }
        buffers.forEach(DeviceBuffer::close);
        assertTrue(d.bytesCached() > 0);
        d.emptyCache();
        assertEquals(0, d.bytesCached());
        // blocks come from the driver again and work
        try (DeviceBuffer b = d.allocate(4096)) {
            d.fillInts(b, 7);
            int[] out = new int[1024];
            d.copyDeviceToHost(out, b);
            assertEquals(7, out[1023]);
        }
    }

    @Test
    void outOfMemoryEmptiesTheCacheRetriesOnceAndReportsTheRequest() {
        CudaDevice d = TestDevice.get();
        d.allocate(5000).close();
        assertTrue(d.bytesCached() > 0);
        long inUse = d.bytesInUse();
        long petabyte = 1L << 50;
        CudaException e = assertThrows(CudaException.class, () -> d.allocate(petabyte));
        assertEquals(jcuda.driver.CUresult.CUDA_ERROR_OUT_OF_MEMORY, e.result(), e.getMessage());
        assertTrue(e.getMessage().contains("request of " + petabyte + " bytes"), e.getMessage());
        assertEquals(0, d.bytesCached(), "the cache is emptied before the retry");
        assertEquals(inUse, d.bytesInUse());
    }

    @Test
    void zeroByteAllocationsAreValid() {
        CudaDevice d = TestDevice.get();
        try (DeviceBuffer b = d.allocate(0)) {
            assertEquals(0, b.byteSize());
            d.copyHostToDevice(b, new float[0]);
            d.copyDeviceToHost(new float[0], b);
            d.memsetZero(b);
        }
    }

    @Test
    void doubleCloseIsHarmlessAndUseAfterCloseThrows() {
        CudaDevice d = TestDevice.get();
        long inUse = d.bytesInUse();
        DeviceBuffer a = d.allocate(256);
        DeviceBuffer view = a.view();
        DeviceBuffer slice = a.slice(128, 64);
        view.close(); // a view owns nothing
        a.pointer();
        a.close();
        a.close();
        assertEquals(inUse, d.bytesInUse());
        assertThrows(IllegalStateException.class, a::pointer);
        assertThrows(IllegalStateException.class, view::pointer);
        assertThrows(IllegalStateException.class, slice::pointer);
        assertThrows(IllegalStateException.class, () -> d.copyHostToDevice(a, new float[4]));
    }

    @Test
    void negativeSizesAndOutOfRangeSlicesAreRejected() {
        CudaDevice d = TestDevice.get();
        assertThrows(IllegalArgumentException.class, () -> d.allocate(-1));
        try (DeviceBuffer a = d.allocate(100)) {
            assertThrows(IllegalArgumentException.class, () -> a.slice(90, 11));
            assertThrows(IllegalArgumentException.class, () -> a.slice(-1, 1));
            DeviceBuffer s = a.slice(10, 50);
            assertThrows(IllegalArgumentException.class, () -> s.slice(40, 11));
            assertEquals(20, s.slice(30, 20).byteSize());
        }
    }

    @Test
    void buffersFromManyThreadsAreAccountedExactly() throws Exception {
        CudaDevice d = TestDevice.get();
        long inUse = d.bytesInUse();
        long live = d.liveAllocations();
        Thread[] threads = new Thread[4];
        Throwable[] failure = new Throwable[1];
        for (int t = 0; t < threads.length; t++) {
            int seed = t;
            threads[t] = new Thread(() -> {
                try {
                    for (int i = 0; i < 200; i++) {
                        try (DeviceBuffer b = d.allocate(64L * (1 + (i * 7 + seed) % 50))) {
                            int[] in = {i, seed};
                            d.copyHostToDevice(b, in);
                            int[] out = new int[2];
                            d.copyDeviceToHost(out, b);
                            assertEquals(i, out[0]);
                            assertEquals(seed, out[1]);
                        }
                    }
                } catch (Throwable e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure[0] != null) {
            throw new AssertionError("a thread failed", failure[0]);
        }
        assertEquals(inUse, d.bytesInUse());
        assertEquals(live, d.liveAllocations());
    }
}
