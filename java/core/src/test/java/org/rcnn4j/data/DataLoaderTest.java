package org.rcnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.rcnn4j.tensor.Tensor;

class DataLoaderTest {
    /** Sample i carries i in its single label, so batches show which indices they hold. */
    private static class Indexed implements Dataset {
        final int n;
        final AtomicInteger calls = new AtomicInteger();

        Indexed(int n) {
            this.n = n;
        }

        @Override
        public int size() {
            return n;
        }

        @Override
        public Sample get(int i) {
            calls.incrementAndGet();
            return new Sample(Tensor.zeros(org.rcnn4j.tensor.DType.F32, 3, 1, 1), Tensor.ofFloats(new float[4], 1, 4),
                    Tensor.ofLongs(new long[] {i}, 1), Tensor.ofBytes(new byte[1], 1, 1, 1));
        }
    }

    private static List<Integer> indices(DataLoader.Epoch e, List<Integer> sizes) {
        List<Integer> out = new ArrayList<>();
        while (e.hasNext()) {
            List<Sample> b = e.next();
            sizes.add(b.size());
            for (Sample s : b) {
                out.add((int) s.labels().longs()[0]);
            }
        }
        return out;
    }

    @Test
    void inOrderWithAndWithoutTheLastPartialBatch() {
        for (int workers : new int[] {0, 3}) {
            List<Integer> sizes = new ArrayList<>();
            DataLoader keep = new DataLoader(new Indexed(10), 4, false, false, 0, workers, 2);
            try (DataLoader.Epoch e = keep.epoch(0)) {
                assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), indices(e, sizes));
            }
            assertEquals(List.of(4, 4, 2), sizes);
            assertEquals(3, keep.batches());
            sizes.clear();
            DataLoader drop = new DataLoader(new Indexed(10), 4, false, true, 0, workers, 2);
            try (DataLoader.Epoch e = drop.epoch(0)) {
                assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), indices(e, sizes));
            }
            assertEquals(List.of(4, 4), sizes);
        }
    }

    @Test
    void shufflesReproduciblyPerEpoch() {
        DataLoader a = new DataLoader(new Indexed(50), 8, true, false, 9, 2, 3);
        DataLoader b = new DataLoader(new Indexed(50), 8, true, false, 9, 0, 1);
        int[] e0 = a.order(0);
        assertArrayEquals(e0, b.order(0), "same seed, same epoch");
        assertFalse(Arrays.equals(e0, a.order(1)), "epochs differ");
        assertFalse(Arrays.equals(e0, new DataLoader(new Indexed(50), 8, true, false, 10, 0, 1).order(0)),
                "seeds differ");
        int[] sorted = e0.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 50; i++) {
            assertEquals(i, sorted[i], "a permutation");
        }
        try (DataLoader.Epoch ea = a.epoch(1); DataLoader.Epoch eb = b.epoch(1)) {
            List<Integer> expected = Arrays.stream(a.order(1)).boxed().toList();
            assertEquals(expected, indices(ea, new ArrayList<>()), "prefetching workers keep the order");
            assertEquals(expected, indices(eb, new ArrayList<>()));
        }
    }

    @Test
    void prefetchIsBoundedAndCloseStopsWorkers() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        Dataset blocking = new Indexed(100) {
            @Override
            public Sample get(int i) {
                started.incrementAndGet();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted");
                }
                return super.get(i);
            }
        };
        DataLoader loader = new DataLoader(blocking, 1, false, false, 0, 8, 3);
        DataLoader.Epoch e = loader.epoch(0);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (started.get() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep(50);
        assertEquals(3, started.get(), "8 workers but only 3 batches may be in flight");
        e.close();
        assertFalse(e.hasNext());
        long stop = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!e.terminated() && System.nanoTime() < stop) {
            Thread.sleep(5);
        }
        assertTrue(e.terminated(), "workers stopped after close");
        release.countDown();
    }

    @Test
    void aWorkersExceptionReachesTheConsumer() {
        IllegalStateException boom = new IllegalStateException("bad item 5");
        Dataset failing = new Indexed(12) {
            @Override
            public Sample get(int i) {
                if (i == 5) {
                    throw boom;
                }
                return super.get(i);
            }
        };
        for (int workers : new int[] {0, 2}) {
            DataLoader loader = new DataLoader(failing, 2, false, false, 0, workers, 2);
            try (DataLoader.Epoch e = loader.epoch(0)) {
                e.next();
                e.next();
                DataLoader.DataLoaderException r = assertThrows(DataLoader.DataLoaderException.class, e::next);
                assertSame(boom, r.getCause(), "workers=" + workers);
                assertTrue(r.getMessage().contains("batch 2"), r.getMessage());
                assertFalse(e.hasNext(), "a failed epoch is over");
            }
        }
    }

    @Test
    void stacksImagesInBatchOrder() {
        Sample a = new Sample(Tensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 3, 1, 2), null, null, null);
        Sample b = new Sample(Tensor.ofFloats(new float[] {7, 8, 9, 10, 11, 12}, 3, 1, 2), null, null, null);
        Tensor t = DataLoader.stackImages(List.of(b, a));
        assertArrayEquals(new int[] {2, 3, 1, 2}, t.shape());
        assertArrayEquals(new float[] {7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6}, t.floats());
        Sample c = new Sample(Tensor.ofFloats(new float[6], 3, 2, 1), null, null, null);
        assertThrows(IllegalArgumentException.class, () -> DataLoader.stackImages(List.of(a, c)));
    }

    @Test
    void rejectsBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new DataLoader(new Indexed(3), 0, false, false, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new DataLoader(new Indexed(3), 1, false, false, 0, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> new DataLoader(new Indexed(3), 1, false, false, 0, 1, 0));
    }
}
