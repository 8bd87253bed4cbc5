package org.rcnn4j.data;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Batches a dataset, in order or shuffled from (seed, epoch), and builds the next batches on worker threads while
 * the consumer works on the current one. At most {@code prefetch} batches are built or waiting at any time
 * (bounded memory). Batches come out in order whatever the number of workers, so a run is reproducible. An
 * exception thrown by the dataset in a worker is rethrown by {@link Epoch#next()} for that batch.
 */
public final class DataLoader {
    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final long seed;
    private final int workers;
    private final int prefetch;

    /**
     * @param workers  threads building batches; 0 builds each batch in the consumer's thread when asked for
     * @param prefetch batches built ahead (>= 1; ignored with 0 workers)
     */
    public DataLoader(Dataset dataset, int batchSize, boolean shuffle, boolean dropLast, long seed, int workers,
            int prefetch) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch_size must be >= 1, got " + batchSize);
        }
        if (workers < 0) {
            throw new IllegalArgumentException("workers must be >= 0, got " + workers);
        }
        if (prefetch < 1) {
            throw new IllegalArgumentException("prefetch must be >= 1, got " + prefetch);
        }
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.dropLast = dropLast;
        this.seed = seed;
        this.workers = workers;
        this.prefetch = prefetch;
    }

    /** Batches per epoch. */
    public int batches() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The dataset indices of one epoch, in the order they are served. */
    public int[] order(int epoch) {
        int n = dataset.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (shuffle) {
            SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    /** Starts an epoch; close it (try-with-resources) to stop its workers, even when not read to the end. */
    public Epoch epoch(int epoch) {
        return new Epoch(order(epoch));
    }

    /** The batches of one epoch. Not thread-safe: one consumer. */
    public final class Epoch implements Iterator<List<Sample>>, AutoCloseable {
        private final int[] order;
        private final int count;
        private final ExecutorService pool;
        private final ArrayDeque<Future<List<Sample>>> ahead = new ArrayDeque<>();
        private int submitted;
        private int served;
        private boolean closed;

        private Epoch(int[] order) {
            this.order = order;
            this.count = batches();
            this.pool = workers == 0 ? null : Executors.newFixedThreadPool(workers, daemonThreads());
            fill();
        }

        private void fill() {
            if (pool == null) {
                return;
            }
            while (ahead.size() < prefetch && submitted < count) {
                int b = submitted++;
                ahead.add(pool.submit(() -> load(b)));
            }
        }

        private List<Sample> load(int b) {
            int from = b * batchSize;
            int to = Math.min(order.length, from + batchSize);
            List<Sample> batch = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                batch.add(dataset.get(order[i]));
            }
            return batch;
        }

        @Override
        public boolean hasNext() {
            return !closed && served < count;
        }

        @Override
        public List<Sample> next() {
            if (!hasNext()) {
                throw new NoSuchElementException(closed ? "the epoch is closed" : "the epoch is over");
            }
            int b = served++;
            if (pool == null) {
                try {
                    return load(b);
                } catch (RuntimeException r) {
                    close();
                    throw new DataLoaderException("loading batch " + b + " failed: " + r.getMessage(), r);
                }
            }
            Future<List<Sample>> f = ahead.poll();
            fill();
            try {
                return f.get();
            } catch (ExecutionException e) {
                close();
                Throwable c = e.getCause();
                if (c instanceof RuntimeException r) {
                    throw new DataLoaderException("loading batch " + b + " failed: " + r.getMessage(), r);
                }
                if (c instanceof Error err) {
                    throw err;
                }
                throw new DataLoaderException("loading batch " + b + " failed: " + c, c);
            } catch (InterruptedException e) {
                close();
                Thread.currentThread().interrupt();
                throw new DataLoaderException("interrupted while waiting for batch " + b, e);
            } catch (CancellationException e) {
                throw new DataLoaderException("batch " + b + " was cancelled", e);
            }
        }

        /** Stops the workers and drops the batches built ahead. Idempotent. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            for (Future<List<Sample>> f : ahead) {
                f.cancel(true);
            }
            ahead.clear();
            if (pool != null) {
                pool.shutdownNow();
            }
        }

        /** True once every worker thread has ended (after close, or before any worker existed). */
        public boolean terminated() {
            return pool == null || pool.isTerminated();
        }
    }

    /** The batch's images as one F32 [B, 3, H, W] tensor; all images must have the same size. */
    public static org.rcnn4j.tensor.Tensor stackImages(List<Sample> batch) {
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("cannot stack an empty batch");
        }
        int[] s = batch.get(0).image().shape();
        int n = s[0] * s[1] * s[2];
        float[] out = new float[batch.size() * n];
        for (int i = 0; i < batch.size(); i++) {
            int[] si = batch.get(i).image().shape();
            if (!java.util.Arrays.equals(s, si)) {
                throw new IllegalArgumentException("images must all be " + java.util.Arrays.toString(s) + ", image " + i
                        + " is " + java.util.Arrays.toString(si));
            }
            System.arraycopy(batch.get(i).image().floats(), 0, out, i * n, n);
        }
        return org.rcnn4j.tensor.Tensor.ofFloats(out, batch.size(), s[0], s[1], s[2]);
    }

    /** A failure while building a batch; the dataset's exception is the cause. */
    public static final class DataLoaderException extends RuntimeException {
        DataLoaderException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "rcnn4j-data-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
