package org.rcnn4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.train.DetectionEvaluation;
import org.rcnn4j.data.Dataset;
import org.rcnn4j.data.FashionMnist;
import org.rcnn4j.data.FashionMnistScenes;
import org.rcnn4j.data.SceneConfig;
import org.rcnn4j.detection.FastRcnn;
import org.rcnn4j.detection.ImageDetections;
import org.rcnn4j.proposals.DatasetProposals;
import org.rcnn4j.proposals.SelectiveSearch;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.recipes.DetectorTraining;
import org.rcnn4j.recipes.FastRcnnRecipe;
import org.rcnn4j.train.LrSchedule;
import org.rcnn4j.train.ProgressBar;
import org.rcnn4j.train.Trainer;
import org.rcnn4j.recipes.TrainingCurve;
import org.rcnn4j.viz.DetectionPictures;

/**
 * {@code rcnn4j fast-rcnn}: trains {@link FastRcnn} on Fashion-MNIST scenes with selective-search proposals and
 * scores it on held-out scenes (test-split items, another seed) with COCOeval, next to a chance baseline.
 */
final class FastRcnnCommand {
    static final String NAME = "fast-rcnn";
    static final int PICTURES = 6;
    static final float PICTURE_SCORE = 0.3f;
    static final long TEST_SEED_OFFSET = 7919;

    private FastRcnnCommand() {
    }

    record Options(int trainScenes, int testScenes, int steps, int batch, double lr, int stride, String device,
            long seed, Path out, boolean help) {
    }

    static final int DEFAULT_TRAIN = 600;
    static final int DEFAULT_TEST = 100;
    static final int DEFAULT_STEPS = FastRcnnRecipe.STEPS;
    static final int DEFAULT_BATCH = FastRcnnRecipe.BATCH;
    static final double DEFAULT_LR = FastRcnnRecipe.LR;
    static final int DEFAULT_STRIDE = FastRcnnRecipe.STRIDE;

    static String help() {
        return """
                usage: rcnn4j fast-rcnn [--train-scenes N] [--test-scenes N] [--steps N] [--batch B] [--lr LR]
                                        [--stride 8|16] [--device cpu|cuda|cuda-emu] [--seed S] [--out DIR]

                Fast R-CNN (Girshick 2015) on 128x128 Fashion-MNIST scenes (1..5 items, 10 classes): selective
                search proposals (fast mode, computed once per scene, in parallel), one conv pass per image
                (SmallBackbone: four stages of two 3x3 convs, an FPN), RoIPool 7x7 of each proposal from the
                stride-8 map (--stride), two FC layers (256), then two sibling heads: softmax over the 10 classes
                + background and per-class box offsets.
                Loss: cross-entropy + smooth L1 (beta 1/9) on 128 RoIs per image, 25%% with IoU >= 0.5 (torchvision's
                fastrcnn_loss; ground-truth boxes join the proposals as in torchvision). SGD momentum 0.9, weight
                decay 1e-4, linear warm-up then x0.1 at 70%% and 90%% of the steps; horizontal flips (p = 0.5).
                Evaluated on held-out scenes (test-split items, seed S + %d) with COCOeval, next to a chance
                baseline (the same proposals with random labels and scores).
                  --train-scenes N  default %d
                  --test-scenes N   default %d
                  --steps N         SGD steps; default %d
                  --batch B         images per step; default %d
                  --lr LR           peak learning rate; default %s
                  --stride 8|16     the feature map RoIPool reads; default 8. The paper's 16 suits 600-px
                                    images with objects of 100+ px; here items are 21..70 px, so at stride 16
                                    the smallest span about one cell of the 8x8 map and RoIPool's 7x7 output
                                    repeats it (on 200 scenes, 300 steps: box AP 0.05 at 16 vs 0.12 at 8)
                  --device D        default cpu
                  --seed S          scenes, initialisation, shuffling and sampling; default 0
                  --out DIR         write DIR/checkpoint.safetensors, train.log, training-curve.png,
                                    detections-*.png (6 held-out scenes, detections scoring >= 0.3),
                                    results.json (COCO results) and summary.txt
                The last two lines are "box AP=... AP50=... AP75=..." and "time per image: N ms": selective
                search's wall time over the held-out set divided by the number of scenes, plus the network's
                (backbone, heads, box decoding and NMS; batches of %d) per scene.
                """.formatted(TEST_SEED_OFFSET, DEFAULT_TRAIN, DEFAULT_TEST, DEFAULT_STEPS, DEFAULT_BATCH, DEFAULT_LR,
                DEFAULT_BATCH);
    }

    static Options parse(List<String> args) {
        CommandArgs a = CommandArgs.parse(NAME, args, Set.of("--train-scenes", "--test-scenes", "--steps", "--batch",
                "--lr", "--stride", "--device", "--seed", "--out"), Set.of(), false);
        int stride = a.intIn("--stride", DEFAULT_STRIDE, 1, 1024);
        if (stride != 8 && stride != 16) {
            throw new UsageException(NAME + ": --stride must be 8 or 16, got " + stride);
        }
        return new Options(a.intIn("--train-scenes", DEFAULT_TRAIN, 1, 100_000),
                a.intIn("--test-scenes", DEFAULT_TEST, 1, 100_000), a.intIn("--steps", DEFAULT_STEPS, 1, 1_000_000),
                a.intIn("--batch", DEFAULT_BATCH, 1, 256), a.doubleIn("--lr", DEFAULT_LR, 1e-9, 10),
                stride, Devices.checkName(a.string("--device", "cpu")), a.longOf("--seed", 0), a.path("--out"),
                a.help());
    }

    static LrSchedule schedule(Options o) {
        return FastRcnnRecipe.schedule(o.steps(), o.lr());
    }

    static int run(List<String> args, PrintStream out) {
        Options o = parse(args);
        if (o.help()) {
            out.print(help());
            return Main.OK;
        }
        OutputDir.prepare(NAME, o.out());
        long t0 = System.nanoTime();
        SceneConfig scenes = SceneConfig.defaults();
        Dataset train = new FashionMnistScenes(FashionMnist.bundled(FashionMnist.Split.TRAIN), scenes, o.seed(),
                o.trainScenes());
        Dataset test = new FashionMnistScenes(FashionMnist.bundled(FashionMnist.Split.TEST), scenes,
                o.seed() + TEST_SEED_OFFSET, o.testScenes());
        List<String> classes = FashionMnist.CLASS_NAMES;
        out.printf(Locale.ROOT, "%s: %d training / %d held-out scenes of %dx%d, %d classes, RoIPool 7x7 at stride %d, "
                + "device %s%n", NAME, o.trainScenes(), o.testScenes(), scenes.width(), scenes.height(), classes.size(),
                o.stride(), o.device());
        DatasetProposals trainProposals = DatasetProposals.compute(train, SelectiveSearch.Mode.FAST,
                FastRcnnRecipe.MAX_PROPOSALS);
        out.printf(Locale.ROOT, "proposals: selective search (fast) on %d training scenes: %.1f s, %.0f per scene%n",
                train.size(), trainProposals.seconds(), trainProposals.meanCount());
        DatasetProposals testProposals = DatasetProposals.compute(test, SelectiveSearch.Mode.FAST,
                FastRcnnRecipe.MAX_PROPOSALS);
        out.printf(Locale.ROOT, "proposals: selective search (fast) on %d held-out scenes: %.1f s, %.0f per scene%n",
                test.size(), testProposals.seconds(), testProposals.meanCount());

        Trainer.History history;
        DetectionEvaluation.Result result;
        DetectionEvaluation.Result chance = DetectionEvaluation.evaluate(FastRcnnRecipe.chanceDetector(testProposals, classes.size(),
                o.seed()), test, classes, DEFAULT_BATCH, null);
        double trainSeconds;
        try (Backend backend = Devices.open(o.device())) {
            FastRcnn model = FastRcnn.small(classes.size() + 1, o.stride());
            model.initialize(o.seed()).to(backend);
            LrSchedule schedule = schedule(o);
            Trainer.Options topts = Trainer.Options.of("fastrcnn_small", o.steps(), schedule)
                    .withSeed(o.seed()).withProgress(ProgressBar.Mode.AUTO);
            if (o.out() != null) {
                topts = topts.withCheckpoint(o.out().resolve(DetectorTraining.CHECKPOINT), 0)
                        .withLog(o.out().resolve(DetectorTraining.LOG));
            }
            out.printf(Locale.ROOT, "training: %d steps of %d scenes, SGD %s, momentum 0.9, weight decay 1e-4%n",
                    o.steps(), o.batch(), schedule.describe());
            long tt = System.nanoTime();
            try {
                history = FastRcnnRecipe.train(model, train, trainProposals, o.batch(), o.seed(), topts, System.err);
            } catch (IOException e) {
                throw new UsageException(NAME + ": cannot write to " + o.out() + ": " + Main.describe(e));
            }
            trainSeconds = (System.nanoTime() - tt) / 1e9;
            out.printf(Locale.ROOT, "training: %.1f s (%.2f s/step), loss %s -> %s%n", trainSeconds,
                    trainSeconds / o.steps(), lossText(history, 0), lossText(history, history.losses().size() - 1));
            model.eval();
            result = DetectionEvaluation.evaluate(FastRcnnRecipe.detector(model, testProposals), test, classes, DEFAULT_BATCH, null);
            if (o.out() != null) {
                writeOutputs(o.out(), model, test, testProposals, history, result, classes);
                out.println("wrote " + o.out() + ": checkpoint.safetensors, train.log, training-curve.png, "
                        + "detections-*.png, results.json, summary.txt");
            }
            model.release();
        }
        out.print(result.bbox().text());
        out.printf(Locale.ROOT, "chance baseline (proposals with random labels and scores): box AP=%.3f AP50=%.3f%n",
                chance.bbox().ap(), chance.bbox().ap50());
        out.printf(Locale.ROOT, "total run time: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        out.printf(Locale.ROOT, "box AP=%.3f AP50=%.3f AP75=%.3f%n", result.bbox().ap(), result.bbox().ap50(),
                result.bbox().stats()[2]);
        double proposalMs = testProposals.seconds() * 1000 / test.size();
        double netMs = result.secondsPerImage() * 1000;
        out.printf(Locale.ROOT, "time per image: %.0f ms (selective search %.0f ms + network %.0f ms)%n",
                proposalMs + netMs, proposalMs, netMs);
        return Main.OK;
    }

    private static String lossText(Trainer.History h, int i) {
        double total = 0;
        for (double v : h.losses().get(i).values()) {
            total += v;
        }
        return String.format(Locale.ROOT, "%.3f", total);
    }

    private static void writeOutputs(Path dir, FastRcnn model, Dataset test, DatasetProposals proposals,
            Trainer.History history, DetectionEvaluation.Result result, List<String> classes) {
        try {
            result.writeTo(dir);
            TrainingCurve.write(dir.resolve(DetectorTraining.CURVE), "Fast R-CNN training", history);
            int n = Math.min(PICTURES, test.size());
            List<Tensor> images = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                images.add(test.get(i).image());
            }
            List<ImageDetections> dets = model.detect(images, proposals.range(0, n));
            for (int i = 0; i < n; i++) {
                DetectionPictures.write(dir.resolve(String.format(Locale.ROOT, "detections-%02d.png", i)),
                        images.get(i), dets.get(i), classes, PICTURE_SCORE, 3);
            }
        } catch (IOException e) {
            throw new UsageException(NAME + ": cannot write to " + dir + ": " + Main.describe(e));
        }
    }
}
