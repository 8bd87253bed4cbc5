package org.rcnn4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.data.FashionMnist;
import org.rcnn4j.data.FashionMnistScenes;
import org.rcnn4j.data.SceneConfig;
import org.rcnn4j.detection.GeneralizedRcnn;
import org.rcnn4j.detection.ImageDetections;
import org.rcnn4j.detection.MaskOutput;
import org.rcnn4j.detection.ModelOptions;
import org.rcnn4j.detection.Models;
import org.rcnn4j.detection.TestTimeAugmentation;
import org.rcnn4j.detection.backbone.SmallBackbone;
import org.rcnn4j.recipes.BackbonePretraining;
import org.rcnn4j.recipes.DemoRecipe;
import org.rcnn4j.recipes.DetectorTraining;
import org.rcnn4j.recipes.SingleItemRehearsal;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.train.DetectionEvaluation;
import org.rcnn4j.viz.DetectionPictures;
import org.rcnn4j.viz.Headless;

/**
 * {@code rcnn4j demo}: trains maskrcnn_small on Fashion-MNIST scenes made from the bundled items, evaluates box and
 * mask AP on held-out scenes (items of the test split, another seed), and writes pictures, the loss curves, the
 * checkpoint and the COCO results. The last two lines are the box and mask metrics.
 */
final class DemoCommand {
    static final int PICTURES = 6;
    /** Drawing threshold of the pictures: below 0.5 because a small model's softmax spreads over 11 classes. */
    static final float PICTURE_SCORE = 0.3f;
    private static final Set<String> VALUED = Set.of("--device", "--out", "--train-scenes", "--test-scenes",
            "--steps", "--batch", "--lr", "--seed", "--pretrain-steps",
            "--pretrain-lr", "--pretrain-size", "--rehearsal-items", "--rehearsal-weight", "--trainable-stages",
            "--tta-scales");

    private DemoCommand() {
    }

    static String help() {
        return """
                usage: rcnn4j demo [--device cpu|cuda|cuda-emu] [--out DIR] [--steps N] [--batch N] [--lr LR]
                                   [--train-scenes N] [--test-scenes N] [--seed S] [--pretrain-steps N]
                                   [--pretrain-lr LR] [--pretrain-size S] [--rehearsal-items N]
                                   [--rehearsal-weight W] [--trainable-stages N] [--tta-scales S,S|none]

                Trains a small Mask R-CNN (maskrcnn_small: a 4-stage ConvNet with an FPN, torchvision's RPN and RoI
                heads) on 128x128 scenes of Fashion-MNIST items, its backbone and box head first pretrained to
                classify single items (as torchvision's detectors start from ImageNet weights), evaluates COCO box
                and mask AP on held-out scenes, and writes into DIR:
                  detections-N.png      held-out scenes with the detections drawn (score >= 0.3)
                  training-curve.png    the losses against the step
                  model.safetensors     the trained model: rcnn4j detect/eval --weights take it
                  checkpoint.safetensors, train.log   for resuming (rcnn4j train --resume), and the log
                  eval/results.json, eval/summary.txt COCO results and COCOeval's summaries
                  eval-tta/             the same with test-time augmentation
                Nothing is downloaded: the items are bundled. 8 to 10 minutes on 2 CPU cores with the
                defaults.
                The last four lines are "box AP=... AP50=... AP75=...", "mask AP=... AP50=... AP75=...", and the
                same as "box+tta" and "mask+tta": the detector evaluated again with test-time augmentation (each
                scene and its mirror at several scales, the views' detections fused; rcnn4j detect/eval --tta).
                  --device D        default cpu
                  --out DIR         default demo-output
                  --pretrain-steps N  classification steps for the backbone and box head first (0: none);
                                      default %d
                  --pretrain-lr LR    its learning rate; default %s
                  --pretrain-size S   side of its one-item scenes in pixels; default %d
                  --rehearsal-items N one-item scenes each detector step also classifies, so the box head
                                      keeps what pretraining taught it (0: none); default %d
                  --rehearsal-weight W  that loss's weight; default %s
                  --tta-scales S,S  the test-time augmentation's scales (none: no second evaluation);
                                    default %s
                  --trainable-stages N  after pretraining, the detector trains the backbone's last N of 4
                                      stages and freezes the others, as torchvision trains a pretrained
                                      backbone's last 3 layers (4: all); default %d
                  --steps N         SGD steps; default %d
                  --batch N         images per step; default %d
                  --lr LR           base learning rate; default %s
                  --train-scenes N  default %d
                  --test-scenes N   default %d
                  --seed S          scenes, initialization and sampling; default 0
                """.formatted(DemoRecipe.PRETRAIN_STEPS, DemoRecipe.PRETRAIN_LR, DemoRecipe.PRETRAIN_SIZE,
                DemoRecipe.REHEARSAL_ITEMS, DemoRecipe.REHEARSAL_WEIGHT, DemoRecipe.TEST_TIME_SCALES,
                DemoRecipe.TRAINABLE_STAGES,
                DemoRecipe.STEPS, DemoRecipe.BATCH, DemoRecipe.LR, DemoRecipe.TRAIN_SCENES, DemoRecipe.TEST_SCENES);
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        CommandArgs a = CommandArgs.parse("demo", argv, VALUED, Set.of(), false);
        if (a.help()) {
            out.print(help());
            return Main.OK;
        }
        String device = Devices.checkName(a.string("--device", "cpu"));
        Path dir = a.path("--out") != null ? a.path("--out") : Path.of("demo-output");
        long seed = a.longOf("--seed", 0);
        int trainScenes = a.intIn("--train-scenes", DemoRecipe.TRAIN_SCENES, 1, 1_000_000);
        int testScenes = a.intIn("--test-scenes", DemoRecipe.TEST_SCENES, 1, 1_000_000);
        DetectorTraining.Settings settings = DemoRecipe.settings(a.intIn("--steps", DemoRecipe.STEPS, 1, 10_000_000),
                a.intIn("--batch", DemoRecipe.BATCH, 1, 1024), a.doubleIn("--lr", DemoRecipe.LR, 1e-6, 10), seed);
        int pretrainSteps = a.intIn("--pretrain-steps", DemoRecipe.PRETRAIN_STEPS, 0, 10_000_000);
        double pretrainLr = a.doubleIn("--pretrain-lr", DemoRecipe.PRETRAIN_LR, 1e-6, 10);
        int pretrainSize = a.intIn("--pretrain-size", DemoRecipe.PRETRAIN_SIZE, 16, 512);
        int rehearsalItems = a.intIn("--rehearsal-items", DemoRecipe.REHEARSAL_ITEMS, 0, 256);
        double rehearsalWeight = a.doubleIn("--rehearsal-weight", DemoRecipe.REHEARSAL_WEIGHT, 1e-6, 100);
        int trainableStages = a.intIn("--trainable-stages", DemoRecipe.TRAINABLE_STAGES, 0,
                SmallBackbone.WIDTHS.length);
        String ttaScales = a.string("--tta-scales", DemoRecipe.TEST_TIME_SCALES);
        TestTimeAugmentation tta = ttaScales.equals("none") ? null : AugmentationArgs.flipsAt("demo", ttaScales);
        Headless.ensure();
        long t0 = System.nanoTime();
        FashionMnistScenes train = new FashionMnistScenes(FashionMnist.bundled(FashionMnist.Split.TRAIN),
                SceneConfig.defaults(), seed, trainScenes);
        FashionMnistScenes test = new FashionMnistScenes(FashionMnist.bundled(FashionMnist.Split.TEST),
                SceneConfig.defaults(), seed + 1_000_003, testScenes);
        out.printf(Locale.ROOT, "rcnn4j demo: training %s on %d Fashion-MNIST scenes (%d steps of %d) on %s, "
                + "evaluating on %d held-out scenes; output in %s%n", Models.MASKRCNN_SMALL, trainScenes,
                settings.steps(), settings.batchSize(), device, testScenes, dir.toAbsolutePath());
        GeneralizedRcnn model = Models.maskrcnnSmall(ModelOptions.defaults());
        model.initialize(seed);
        DetectionEvaluation.Result result;
        DetectionEvaluation.Result augmented = null;
        try (Backend backend = Devices.open(device)) {
            model.to(backend);
            try {
                if (pretrainSteps > 0) {
                    out.printf(Locale.ROOT, "pretraining the backbone and box head: %d steps of %d one-item "
                            + "scenes (%dx%d)%n",
                            pretrainSteps, DemoRecipe.PRETRAIN_BATCH, pretrainSize, pretrainSize);
                    BackbonePretraining.Result p = BackbonePretraining.run((SmallBackbone) model.backbone(),
                            model.roiHeads(), backend, pretrainSteps, DemoRecipe.PRETRAIN_BATCH, pretrainSize,
                            pretrainLr, seed, err);
                    out.printf(Locale.ROOT, "pretrained in %.0f s: on held-out one-item scenes the box head names "
                            + "%.1f%% of the items (the backbone alone, pooled globally: %.1f%%)%n", p.seconds(),
                            p.boxHeadAccuracy() * 100, p.accuracy() * 100);
                }
                if (pretrainSteps > 0 && trainableStages < SmallBackbone.WIDTHS.length) {
                    // as torchvision trains a pretrained backbone's last 3 layers
                    ((SmallBackbone) model.backbone()).trainableStages(trainableStages);
                    out.printf(Locale.ROOT, "the detector trains the backbone's last %d stages (of %d)%n",
                            trainableStages, SmallBackbone.WIDTHS.length);
                }
                SingleItemRehearsal rehearsal = rehearsalItems == 0 ? null : new SingleItemRehearsal(
                        (SmallBackbone) model.backbone(), model.roiHeads(), backend, pretrainSize, rehearsalItems,
                        rehearsalWeight, seed);
                if (rehearsal != null) {
                    out.printf(Locale.ROOT, "training the detector; each step also names %d one-item scenes "
                            + "(%s, weight %s)%n", rehearsalItems, SingleItemRehearsal.LOSS, rehearsalWeight);
                }
                DetectorTraining.run(model, Models.MASKRCNN_SMALL, FashionMnist.CLASS_NAMES, train, settings, dir,
                        null, rehearsal, err);
                model.eval();
                result = DetectionEvaluation.evaluate(model::detect, test, FashionMnist.CLASS_NAMES, 8, err);
                result.writeTo(dir.resolve("eval"));
                if (tta != null) {
                    err.println("evaluating again with test-time augmentation: " + AugmentationArgs.describe(tta));
                    augmented = DetectionEvaluation.evaluate(images -> tta.detect(model, images,
                            MaskOutput.above(0.5f).asCrops()), test, FashionMnist.CLASS_NAMES, 8, err);
                    augmented.writeTo(dir.resolve("eval-tta"));
                }
                pictures(model, test, dir);
            } finally {
                model.release();
            }
        } catch (IOException e) {
            throw new UsageException("demo: cannot write to " + dir + ": " + Main.describe(e));
        }
        out.printf(Locale.ROOT, "done in %.1f min; wrote %s, %s, %s, %s, %s/detections-1..%d.png and %s%s%n",
                (System.nanoTime() - t0) / 6e10, dir.resolve(DetectorTraining.MODEL),
                dir.resolve(DetectorTraining.CHECKPOINT),
                dir.resolve(DetectorTraining.LOG), dir.resolve(DetectorTraining.CURVE), dir, PICTURES,
                dir.resolve("eval"), augmented == null ? "" : ", " + dir.resolve("eval-tta"));
        out.print(result.perCategoryText());
        out.printf(Locale.ROOT, "inference: %.1f ms per image%n", result.secondsPerImage() * 1000);
        out.println(metricLine("box", result.bbox()));
        out.println(metricLine("mask", result.segm()));
        if (augmented != null) {
            out.printf(Locale.ROOT, "with test-time augmentation (%s): %.1f ms per image%n",
                    AugmentationArgs.describe(tta), augmented.secondsPerImage() * 1000);
            out.println(metricLine("box+tta", augmented.bbox()));
            out.println(metricLine("mask+tta", augmented.segm()));
        }
        return Main.OK;
    }

    static String metricLine(String what, DetectionEvaluation.Summary s) {
        double[] st = s.stats();
        return String.format(Locale.ROOT, "%s AP=%.3f AP50=%.3f AP75=%.3f", what, st[0], st[1], st[2]);
    }

    private static void pictures(GeneralizedRcnn model, FashionMnistScenes test, Path dir) throws IOException {
        int n = Math.min(PICTURES, test.size());
        List<Tensor> images = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            images.add(test.get(i).image());
        }
        List<ImageDetections> dets = model.detect(images);
        for (int i = 0; i < n; i++) {
            DetectionPictures.write(dir.resolve("detections-" + (i + 1) + ".png"), images.get(i), dets.get(i),
                    FashionMnist.CLASS_NAMES, PICTURE_SCORE, 3);
        }
    }
}
