package org.rcnn4j.recipes;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.rcnn4j.data.Dataset;
import org.rcnn4j.detection.FastRcnn;
import org.rcnn4j.detection.ImageDetections;
import org.rcnn4j.proposals.DatasetProposals;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.train.DetectorStep;
import org.rcnn4j.train.FastRcnnSteps;
import org.rcnn4j.train.LrSchedule;
import org.rcnn4j.train.Trainer;

/**
 * Fast R-CNN on Fashion-MNIST scenes with selective-search proposals: the recipe of {@code rcnn4j fast-rcnn} and of
 * the second row of {@code rcnn4j compare}. SGD (momentum 0.9, weight decay 1e-4), horizontal flips, at most
 * {@link #MAX_PROPOSALS} proposals per scene.
 */
public final class FastRcnnRecipe {
    public static final int MAX_PROPOSALS = 2000;
    public static final int STEPS = 1500;
    public static final int BATCH = 4;
    public static final double LR = 0.04;
    /** 8, not the paper's 16: items are 21..70 px, so at stride 16 RoIPool's 7x7 output repeats one cell. */
    public static final int STRIDE = 8;
    public static final double FLIP_PROBABILITY = 0.5;

    private FastRcnnRecipe() {
    }

    /** torchvision's reference schedule scaled to the run: warm-up over min(100, steps/5), x0.1 at 70% and 90%. */
    public static LrSchedule schedule(int steps, double lr) {
        int warmup = Math.max(1, Math.min(100, steps / 5));
        return LrSchedule.torchvision(lr, warmup, Math.max(1, steps * 7 / 10), Math.max(1, steps * 9 / 10));
    }

    /** {@code rcnn4j compare}'s schedule: 100 warm-up steps whatever the run's length, x0.1 at 70% and 90%. */
    public static LrSchedule compareSchedule(int steps) {
        return LrSchedule.torchvision(LR, 100, (int) Math.round(steps * 0.7), (int) Math.round(steps * 0.9));
    }

    /** Trains {@code model} (bound to its backend; put in training mode here) on the scenes and their proposals. */
    public static Trainer.History train(FastRcnn model, Dataset scenes, DatasetProposals proposals, int batch,
            long seed, Trainer.Options options, PrintStream progress) throws IOException {
        model.train(true);
        try (DetectorStep step = FastRcnnSteps.step(model, scenes, proposals, batch, seed, FLIP_PROBABILITY)) {
            return new Trainer(model.trainableVars(), options).progressTo(progress).train(step);
        }
    }

    /**
     * The detector DetectionEvaluation calls: it walks the dataset in order, so the i-th image it sees is scene i
     * and takes the i-th cached proposals (checked by size).
     */
    public static Function<List<Tensor>, List<ImageDetections>> detector(FastRcnn model, DatasetProposals proposals) {
        int[] next = {0};
        return images -> {
            int from = next[0];
            if (from + images.size() > proposals.size()) {
                throw new IllegalStateException("more images than cached proposals (" + proposals.size() + ")");
            }
            next[0] += images.size();
            return model.detect(images, proposals.range(from, images.size()));
        };
    }

    /** Each proposal a detection of a uniformly random class with a uniformly random score, 100 per image. */
    public static Function<List<Tensor>, List<ImageDetections>> chanceDetector(DatasetProposals proposals,
            int numClasses, long seed) {
        int[] next = {0};
        SplittableRandom rng = new SplittableRandom(seed ^ 0xc4a9ceL);
        return images -> {
            List<ImageDetections> out = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                Tensor p = proposals.get(next[0]++);
                int n = Math.min(100, p.size(0));
                float[] b = Arrays.copyOf(p.floats(), n * 4);
                float[] scores = new float[n];
                long[] labels = new long[n];
                for (int k = 0; k < n; k++) {
                    scores[k] = (float) rng.nextDouble();
                    labels[k] = 1 + rng.nextInt(numClasses);
                }
                out.add(new ImageDetections(Tensor.ofFloats(b, n, 4), Tensor.ofFloats(scores, n),
                        Tensor.ofLongs(labels, n), null));
            }
            return out;
        };
    }
}
