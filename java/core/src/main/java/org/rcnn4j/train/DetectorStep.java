package org.rcnn4j.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.data.Dataset;
import org.rcnn4j.data.HorizontalFlip;
import org.rcnn4j.data.Sample;
import org.rcnn4j.detection.DetectionTargets;
import org.rcnn4j.detection.GeneralizedRcnn;
import org.rcnn4j.tensor.Tensor;

/**
 * A detector's training step over a dataset: step s takes batch s of a shuffled pass (a fresh permutation per
 * epoch, seeded by the data seed and the epoch), flips each image horizontally with probability 0.5, and returns
 * the model's losses. Which images and flips a step uses depends only on the seed and the step, so a resumed run
 * sees the same batches; that also lets the next batch be prepared on another thread while this one trains.
 */
public final class DetectorStep implements TrainStep, AutoCloseable {
    /** A batch: the samples (flipped where drawn), their dataset indices, and which of them were flipped. */
    public record Batch(List<Sample> samples, int[] indices, boolean[] flipped) {
    }

    /** The model's losses for one batch; {@code seed} is the step's draw for the model's own sampling. */
    @FunctionalInterface
    public interface BatchLosses {
        Map<String, Var> losses(Batch batch, long seed);
    }

    private final BatchLosses model;
    private final Dataset data;
    private final int batchSize;
    private final long seed;
    private final HorizontalFlip flip;
    private final ExecutorService prefetch = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "rcnn4j-batch-prefetch");
        t.setDaemon(true);
        return t;
    });
    private long pendingStep = -1;
    private CompletableFuture<Batch> pending;

    /** @param flipProbability 0 for no augmentation; torchvision's reference uses 0.5 */
    public DetectorStep(GeneralizedRcnn model, Dataset data, int batchSize, long seed, double flipProbability) {
        this((b, s) -> model.losses(images(b.samples()), targets(b.samples()), s), data, batchSize, seed,
                flipProbability);
    }

    /** The same batches for any detector (e.g. one that also takes each image's proposals by index). */
    public DetectorStep(BatchLosses model, Dataset data, int batchSize, long seed, double flipProbability) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (data.size() < 1) {
            throw new IllegalArgumentException("the training dataset is empty");
        }
        this.model = model;
        this.data = data;
        this.batchSize = batchSize;
        this.seed = seed;
        this.flip = flipProbability > 0 ? new HorizontalFlip(flipProbability) : null;
    }

    @Override
    public Map<String, Var> losses(long step, TrainRng rng) {
        return model.losses(batchOf(step), rng.nextLong());
    }

    public static List<Tensor> images(List<Sample> batch) {
        List<Tensor> images = new ArrayList<>(batch.size());
        for (Sample s : batch) {
            images.add(s.image());
        }
        return images;
    }

    public static List<DetectionTargets> targets(List<Sample> batch) {
        List<DetectionTargets> targets = new ArrayList<>(batch.size());
        for (Sample s : batch) {
            targets.add(DetectionTargets.of(s));
        }
        return targets;
    }

    /** The samples of step {@code step}, and the next step's started in the background. */
    List<Sample> batch(long step) {
        return batchOf(step).samples();
    }

    /** Batch {@code step}, and the next one started in the background. */
    public Batch batchOf(long step) {
        CompletableFuture<Batch> current = pendingStep == step ? pending
                : CompletableFuture.supplyAsync(() -> load(step), prefetch);
        pendingStep = step + 1;
        pending = CompletableFuture.supplyAsync(() -> load(step + 1), prefetch);
        return current.join();
    }

    private Batch load(long step) {
        int n = data.size();
        long first = step * batchSize;
        List<Sample> out = new ArrayList<>(batchSize);
        int[] indices = new int[batchSize];
        boolean[] flipped = new boolean[batchSize];
        SplittableRandom flips = new SplittableRandom(seed ^ (0x5851f42d4c957f2dL * (step + 1)));
        for (int i = 0; i < batchSize; i++) {
            long k = first + i;
            int[] order = order(k / n);
            indices[i] = order[(int) (k % n)];
            Sample s = data.get(indices[i]);
            Sample t = flip == null ? s : flip.apply(s, flips);
            flipped[i] = t != s;
            out.add(t);
        }
        return new Batch(out, indices, flipped);
    }

    private int[] cachedOrder;
    private long cachedEpoch = -1;

    private synchronized int[] order(long epoch) {
        if (epoch != cachedEpoch) {
            int n = data.size();
            int[] p = new int[n];
            for (int i = 0; i < n; i++) {
                p[i] = i;
            }
            SplittableRandom r = new SplittableRandom(seed + epoch);
            for (int i = n - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = p[i];
                p[i] = p[j];
                p[j] = t;
            }
            cachedOrder = p;
            cachedEpoch = epoch;
        }
        return cachedOrder;
    }

    @Override
    public void close() {
        prefetch.shutdownNow();
    }
}
