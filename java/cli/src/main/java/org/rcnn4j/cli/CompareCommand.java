package org.rcnn4j.cli;

import org.rcnn4j.recipes.DemoRecipe;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.classic.Rcnn;
import org.rcnn4j.classic.RcnnTrainer;
import org.rcnn4j.train.DetectionEvaluation;
import org.rcnn4j.data.Dataset;
import org.rcnn4j.data.FashionMnist;
import org.rcnn4j.data.FashionMnistScenes;
import org.rcnn4j.data.Sample;
import org.rcnn4j.data.SceneConfig;
import org.rcnn4j.io.AtomicFiles;
import org.rcnn4j.detection.FastRcnn;
import org.rcnn4j.detection.GeneralizedRcnn;
import org.rcnn4j.detection.ImageDetections;
import org.rcnn4j.detection.ModelOptions;
import org.rcnn4j.detection.Models;
import org.rcnn4j.detection.backbone.SmallBackbone;
import org.rcnn4j.proposals.DatasetProposals;
import org.rcnn4j.proposals.SelectiveSearch;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.recipes.BackbonePretraining;
import org.rcnn4j.recipes.DetectorTraining;
import org.rcnn4j.recipes.FastRcnnRecipe;
import org.rcnn4j.train.ProgressBar;
import org.rcnn4j.train.Trainer;

/**
 * {@code rcnn4j compare}: the seed's story in numbers. R-CNN, Fast R-CNN, Faster R-CNN and Mask R-CNN are trained
 * on the same Fashion-MNIST scenes and scored with the same COCO evaluation on the same held-out scenes; one table
 * gives box AP (and mask AP), the time per image (proposals included) and the training time.
 */
final class CompareCommand {
    private static final Set<String> VALUED = Set.of("--train-scenes", "--test-scenes", "--steps", "--seed",
            "--device", "--out");
    private static final long TEST_SEED_OFFSET = 7919;

    private CompareCommand() {
    }

    static String help() {
        return """
                usage: rcnn4j compare [--train-scenes N] [--test-scenes N] [--steps N] [--seed S]
                                      [--device cpu|cuda|cuda-emu] [--out DIR]

                Trains the four systems of the R-CNN family on the same 128x128 Fashion-MNIST training scenes and
                evaluates each with COCO's box AP (and mask AP for Mask R-CNN) on the same held-out scenes:
                  R-CNN         selective search, a frozen pretrained ConvNet on warped proposals, linear SVMs
                                (R-CNN trains on the first 300 training scenes: its SVM caches grow with them)
                  Fast R-CNN    selective search, one conv pass, RoIPool 7x7, softmax + box heads
                  Faster R-CNN  fasterrcnn_small: RPN proposals, RoIAlign (backbone and box head pretrained on
                                single items)
                  Mask R-CNN    maskrcnn_small: the same plus the mask branch
                and prints one table (writes DIR/compare.md with --out): AP, AP50, AP75, time per image including
                proposals, and training time. Roughly 35 minutes on 2 CPU cores with the defaults.
                  --train-scenes N  default %d
                  --test-scenes N   default %d
                  --steps N         SGD steps of Fast, Faster and Mask R-CNN; default %d
                  --seed S          default 0
                """.formatted(DEFAULT_TRAIN, DEFAULT_TEST, DemoRecipe.STEPS);
    }

    static final int DEFAULT_TRAIN = 1500;
    static final int DEFAULT_TEST = 100;
    static final int RCNN_TRAIN = 300;

    /** One system's row of the table. */
    record Row(String method, DetectionEvaluation.Result result, double msPerImage, double trainSeconds) {
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        CommandArgs a = CommandArgs.parse("compare", argv, VALUED, Set.of(), false);
        if (a.help()) {
            out.print(help());
            return Main.OK;
        }
        int trainScenes = a.intIn("--train-scenes", DEFAULT_TRAIN, 4, 1_000_000);
        int testScenes = a.intIn("--test-scenes", DEFAULT_TEST, 1, 1_000_000);
        int steps = a.intIn("--steps", DemoRecipe.STEPS, 1, 10_000_000);
        long seed = a.longOf("--seed", 0);
        String device = Devices.checkName(a.string("--device", "cpu"));
        Path dir = a.path("--out");
        org.rcnn4j.viz.Headless.ensure();
        FashionMnistScenes train = new FashionMnistScenes(FashionMnist.bundled(FashionMnist.Split.TRAIN),
                SceneConfig.defaults(), seed, trainScenes);
        FashionMnistScenes test = new FashionMnistScenes(FashionMnist.bundled(FashionMnist.Split.TEST),
                SceneConfig.defaults(), seed + TEST_SEED_OFFSET, testScenes);
        List<String> classes = FashionMnist.CLASS_NAMES;
        out.printf(Locale.ROOT, "compare: %d training / %d held-out scenes of 128x128, seed %d, device %s%n",
                trainScenes, testScenes, seed, device);
        List<Row> rows = new ArrayList<>();
        try (Backend backend = Devices.open(device)) {
            rows.add(rcnn(backend, train, test, classes, seed, out));
            rows.add(fastRcnn(backend, train, test, classes, steps, seed, out, err));
            rows.add(twoStage(backend, Models.FASTERRCNN_SMALL, train, test, classes, steps, seed, dir, out, err));
            rows.add(twoStage(backend, Models.MASKRCNN_SMALL, train, test, classes, steps, seed, dir, out, err));
        } catch (IOException e) {
            throw new UsageException("compare: cannot write to " + dir + ": " + Main.describe(e));
        }
        String table = table(rows, trainScenes, testScenes, steps, seed);
        out.print(table);
        if (dir != null) {
            try {
                Files.createDirectories(dir);
                byte[] bytes = table.getBytes(StandardCharsets.UTF_8);
                AtomicFiles.write(dir.resolve("compare.md"), (OutputStream o) -> o.write(bytes));
            } catch (IOException e) {
                throw new UsageException("compare: cannot write to " + dir + ": " + Main.describe(e));
            }
            out.println("wrote " + dir.resolve("compare.md"));
        }
        return Main.OK;
    }

    private static Row rcnn(Backend backend, Dataset train, Dataset test, List<String> classes, long seed,
            PrintStream out) {
        out.println("[1/4] R-CNN");
        List<Sample> scenes = new ArrayList<>();
        for (int i = 0; i < Math.min(RCNN_TRAIN, train.size()); i++) {
            scenes.add(train.get(i));
        }
        long t0 = System.nanoTime();
        try (Rcnn model = RcnnTrainer.train(backend, scenes, RcnnTrainer.Options.defaults(seed),
                new PrintStream(OutputStream.nullOutputStream()))) {
            double trainSeconds = (System.nanoTime() - t0) / 1e9;
            Function<List<Tensor>, List<ImageDetections>> detector = images -> {
                List<ImageDetections> dets = new ArrayList<>();
                for (Tensor img : images) {
                    Rcnn.Detections d = model.detect(img.floats(), img.size(1), img.size(2));
                    int n = d.count();
                    dets.add(new ImageDetections(Tensor.ofFloats(d.boxes(), n, 4), Tensor.ofFloats(d.scores(), n),
                            Tensor.ofLongs(d.labels(), n), null));
                }
                return dets;
            };
            DetectionEvaluation.Result r = DetectionEvaluation.evaluate(detector, test, classes, 4, null);
            return report(out, new Row("R-CNN", r, r.secondsPerImage() * 1000, trainSeconds));
        }
    }

    private static Row fastRcnn(Backend backend, Dataset train, Dataset test, List<String> classes, int steps,
            long seed, PrintStream out, PrintStream err) throws IOException {
        out.println("[2/4] Fast R-CNN");
        long t0 = System.nanoTime();
        DatasetProposals trainProposals = DatasetProposals.compute(train, SelectiveSearch.Mode.FAST,
                FastRcnnRecipe.MAX_PROPOSALS);
        DatasetProposals testProposals = DatasetProposals.compute(test, SelectiveSearch.Mode.FAST,
                FastRcnnRecipe.MAX_PROPOSALS);
        FastRcnn model = FastRcnn.small(classes.size() + 1);
        model.initialize(seed).to(backend);
        try {
            Trainer.Options o = Trainer.Options.of("fastrcnn_small", steps, FastRcnnRecipe.compareSchedule(steps))
                    .withSeed(seed).withProgress(ProgressBar.Mode.AUTO);
            FastRcnnRecipe.train(model, train, trainProposals, FastRcnnRecipe.BATCH, seed, o, err);
            double trainSeconds = (System.nanoTime() - t0) / 1e9 - testProposals.seconds();
            model.eval();
            DetectionEvaluation.Result r = DetectionEvaluation.evaluate(FastRcnnRecipe.detector(model,
                    testProposals), test, classes, FastRcnnRecipe.BATCH, null);
            double ms = (r.secondsPerImage() + testProposals.seconds() / test.size()) * 1000;
            return report(out, new Row("Fast R-CNN", r, ms, trainSeconds));
        } finally {
            model.release();
        }
    }

    private static Row twoStage(Backend backend, String name, Dataset train, Dataset test, List<String> classes,
            int steps, long seed, Path dir, PrintStream out, PrintStream err) throws IOException {
        boolean masks = name.equals(Models.MASKRCNN_SMALL);
        out.println(masks ? "[4/4] Mask R-CNN" : "[3/4] Faster R-CNN");
        GeneralizedRcnn model = (GeneralizedRcnn) Models.create(name, ModelOptions.defaults());
        model.initialize(seed).to(backend);
        try {
            long t0 = System.nanoTime();
            BackbonePretraining.run((SmallBackbone) model.backbone(), model.roiHeads(), backend,
                    DemoRecipe.PRETRAIN_STEPS, DemoRecipe.PRETRAIN_BATCH, DemoRecipe.PRETRAIN_SIZE,
                    DemoRecipe.PRETRAIN_LR, seed, err);
            Path runDir = dir != null ? dir.resolve(name) : Files.createTempDirectory("rcnn4j-compare-");
            DetectorTraining.run(model, name, classes, train, DemoRecipe.settings(steps, DemoRecipe.BATCH,
                    DemoRecipe.LR, seed), runDir, null, err);
            double trainSeconds = (System.nanoTime() - t0) / 1e9;
            model.eval();
            DetectionEvaluation.Result r = DetectionEvaluation.evaluate(model::detect, test, classes, 8, null);
            return report(out, new Row(masks ? "Mask R-CNN" : "Faster R-CNN", r, r.secondsPerImage() * 1000,
                    trainSeconds));
        } finally {
            model.release();
        }
    }

    private static Row report(PrintStream out, Row row) {
        out.printf(Locale.ROOT, "%s: box AP=%.3f AP50=%.3f, %.0f ms per image, trained in %.0f s%n", row.method(),
                row.result().bbox().ap(), row.result().bbox().ap50(), row.msPerImage(), row.trainSeconds());
        return row;
    }

    static String table(List<Row> rows, int trainScenes, int testScenes, int steps, long seed) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%d training / %d held-out 128x128 Fashion-MNIST scenes, seed %d, %d SGD "
                + "steps (Fast/Faster/Mask R-CNN)%n%n", trainScenes, testScenes, seed, steps));
        sb.append("| method | box AP | AP50 | AP75 | mask AP | mask AP50 | ms / image | training s |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            double[] b = r.result().bbox().stats();
            DetectionEvaluation.Summary m = r.result().segm();
            sb.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %s | %s | %.0f | %.0f |%n", r.method(),
                    b[0], b[1], b[2], m == null ? "-" : String.format(Locale.ROOT, "%.3f", m.stats()[0]),
                    m == null ? "-" : String.format(Locale.ROOT, "%.3f", m.stats()[1]), r.msPerImage(),
                    r.trainSeconds()));
        }
        return sb.toString();
    }
}
