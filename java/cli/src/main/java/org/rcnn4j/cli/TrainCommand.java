package org.rcnn4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.data.CocoDetectionDataset;
import org.rcnn4j.detection.GeneralizedRcnn;
import org.rcnn4j.detection.ModelOptions;
import org.rcnn4j.detection.Models;
import org.rcnn4j.recipes.DetectorTraining;
import org.rcnn4j.train.DetectionEvaluation;
import org.rcnn4j.train.TrainingDivergedException;

/**
 * {@code rcnn4j train}: trains a detector on a COCO dataset with the {@link DetectorTraining} recipe, resumable,
 * and evaluates it on a validation set when one is given.
 */
final class TrainCommand {
    private static final Set<String> VALUED = Set.of("--data", "--images", "--val", "--val-images", "--model",
            "--backbone", "--device", "--steps", "--batch", "--lr", "--warmup", "--clip", "--checkpoint-every",
            "--seed", "--out");
    private static final Set<String> FLAGS = Set.of("--resume", "--no-flip");

    private TrainCommand() {
    }

    static String help() {
        return """
                usage: rcnn4j train --data DIR|FILE.json [--images DIR] --out DIR [--model maskrcnn|fasterrcnn]
                                    [--backbone small|resnet50_fpn] [--device cpu|cuda|cuda-emu] [--steps N]
                                    [--batch N] [--lr LR] [--warmup N] [--clip NORM] [--checkpoint-every N]
                                    [--no-flip] [--seed S] [--resume] [--val DIR|FILE.json [--val-images DIR]]

                Trains Faster R-CNN or Mask R-CNN from scratch on a COCO instances dataset: --data DIR holds
                annotations.json with image paths relative to DIR (rcnn4j scenes writes one), or --data FILE.json
                with --images DIR. SGD (momentum 0.9, weight decay 1e-4), linear warm-up then x0.1 at 70% and 90%
                of the steps, horizontal flips. Writes into --out: checkpoint.safetensors (every N steps and at the
                end), train.log, training-curve.png and model.safetensors (the model for detect/eval --weights).
                A NaN or infinite loss stops training naming the loss and step; the last checkpoint stays intact.
                  --model M            maskrcnn (default) or fasterrcnn
                  --backbone B         small (default; 128..213 px images, trains on a CPU) or resnet50_fpn
                                       (torchvision's layout: 800..1333 px; needs a GPU to be practical)
                  --steps N            default 1000
                  --batch N            images per step; default 4
                  --lr LR              base learning rate; default 0.02
                  --warmup N           warm-up steps; default 100
                  --clip NORM          clip the gradient norm (0: off); default 10
                  --checkpoint-every N default 200
                  --resume             continue from --out's checkpoint (same data, model and schedule)
                  --val ...            evaluate box (and mask) AP on this dataset at the end
                """;
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        CommandArgs a = CommandArgs.parse("train", argv, VALUED, FLAGS, false);
        if (a.help()) {
            out.print(help());
            return Main.OK;
        }
        Path outDir = a.requiredPath("--out", "DIR");
        String name = modelName("train", a.choice("--model", "maskrcnn", List.of("maskrcnn", "fasterrcnn")),
                a.choice("--backbone", "small", List.of("small", "resnet50_fpn")));
        String device = Devices.checkName(a.string("--device", "cpu"));
        int steps = a.intIn("--steps", 1000, 1, 100_000_000);
        DetectorTraining.Settings s = new DetectorTraining.Settings(steps, a.intIn("--batch", 4, 1, 1024),
                a.doubleIn("--lr", 0.02, 1e-8, 10), a.intIn("--warmup", 100, 0, 100_000_000), null, 0.9, 1e-4,
                a.doubleIn("--clip", 10, 0, 1e9), a.has("--no-flip") ? 0 : 0.5, a.longOf("--seed", 0),
                a.intIn("--checkpoint-every", 200, 0, 100_000_000));
        CocoDetectionDataset data = DatasetArgs.open("train", a.requiredPath("--data", "DIR|FILE.json"),
                a.path("--images"));
        CocoDetectionDataset val = a.has("--val") ? DatasetArgs.open("train", a.path("--val"),
                a.path("--val-images")) : null;
        Path resume = null;
        if (a.has("--resume")) {
            resume = outDir.resolve(DetectorTraining.CHECKPOINT);
            if (!Files.isRegularFile(resume)) {
                throw new UsageException("train: --resume: no checkpoint at " + resume);
            }
        }
        List<String> classes = data.classNames();
        GeneralizedRcnn model = (GeneralizedRcnn) Models.create(name, ModelOptions.defaults()
                .withNumClasses(classes.size() + 1));
        model.initialize(s.seed());
        DatasetArgs.checkResizable("train", data, model.config().minSize(), model.config().maxSize());
        if (val != null) {
            DatasetArgs.checkResizable("train", val, model.config().minSize(), model.config().maxSize());
        }
        out.printf(Locale.ROOT, "training %s (%d classes) on %d images for %d steps of %d on %s; output in %s%n",
                name, classes.size(), data.size(), steps, s.batchSize(), device, outDir.toAbsolutePath());
        try (Backend backend = Devices.open(device)) {
            model.to(backend);
            try {
                DetectorTraining.run(model, name, classes, data, s, outDir, resume, err);
                out.println("wrote " + outDir.resolve(DetectorTraining.MODEL) + ", "
                        + outDir.resolve(DetectorTraining.CHECKPOINT) + ", " + outDir.resolve(DetectorTraining.LOG)
                        + " and " + outDir.resolve(DetectorTraining.CURVE));
                if (val != null) {
                    model.eval();
                    DetectionEvaluation.Result r = DetectionEvaluation.evaluate(model::detect, val, classes, 8, err);
                    r.writeTo(outDir.resolve("eval"));
                    out.print(r.text());
                    out.println(DemoCommand.metricLine("box", r.bbox()));
                    if (r.segm() != null) {
                        out.println(DemoCommand.metricLine("mask", r.segm()));
                    }
                }
            } finally {
                model.release();
            }
        } catch (TrainingDivergedException e) {
            throw new UsageException("train: " + e.getMessage());
        } catch (IOException e) {
            throw new UsageException("train: " + Main.describe(e));
        }
        return Main.OK;
    }

    /** --model and --backbone as a builder name (maskrcnn + small = maskrcnn_small). */
    static String modelName(String command, String model, String backbone) {
        return model + "_" + backbone;
    }
}
