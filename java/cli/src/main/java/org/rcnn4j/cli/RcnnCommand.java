package org.rcnn4j.cli;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.classic.Rcnn;
import org.rcnn4j.classic.RcnnEval;
import org.rcnn4j.classic.RcnnScenes;
import org.rcnn4j.classic.RcnnTrainer;
import org.rcnn4j.coco.CocoResults;
import org.rcnn4j.data.FashionMnist;
import org.rcnn4j.data.Sample;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.viz.DetectionPainter;
import org.rcnn4j.viz.Images;
import org.rcnn4j.viz.Pngs;

/**
 * {@code rcnn4j rcnn}: trains R-CNN (selective search, a frozen pretrained ConvNet, per-class SVMs with
 * hard-negative mining, per-class box regressors, per-class NMS) on Fashion-MNIST scenes and reports COCO box AP on
 * held-out scenes.
 */
final class RcnnCommand {
    static final String NAME = "rcnn";
    static final int EXAMPLES = 8;
    static final int BEST_TO_DRAW = 3;

    private RcnnCommand() {
    }

    record Options(int trainScenes, int testScenes, long seed, Path out, boolean help) {
    }

    static String help() {
        return """
                usage: rcnn4j rcnn [--train-scenes N] [--test-scenes N] [--seed S] [--out DIR]

                R-CNN (Girshick et al. 2014) on %dx%d Fashion-MNIST scenes (1..3 items), on the CPU:
                  1. a small ConvNet is pretrained to classify warped regions (items as their class, random boxes
                     as background) and frozen: the transfer-learning setting, no fine-tuning on proposals;
                  2. selective search (fast mode) proposals of each training scene, warped to 32x32 with the
                     paper's context padding (16 px at 227, scaled), described by the net's penultimate layer;
                  3. per class, a linear SVM (hinge loss; positives the ground-truth boxes, negatives proposals with
                     IoU < 0.3) trained with hard-negative mining, and a ridge box regressor (IoU >= 0.6, lambda 1000);
                  4. test: proposals (all, at most 2000; about 60 per scene at this size), SVM scores, regression,
                     per-class NMS at IoU 0.3, the best 100 per scene; COCO box AP on held-out scenes
                     (test-split items).
                Prints training progress, the AP without box regression, a random-box baseline, then
                  box AP=0.xxx AP50=0.xxx AP75=0.xxx
                  time per image: N ms
                  --train-scenes N  scenes for the SVMs and regressors (default 300; the extractor pretrains
                                    on 3000 other scenes for 4 epochs)
                  --test-scenes N   held-out scenes (default 100)
                  --seed S          scenes, pretraining and SVM solver order (default 0)
                  --out DIR         write DIR/detections.json (COCO results, image id = scene index + 1) and
                                    DIR/detections.png (the first %d test scenes, each with its %d best detections)
                """.formatted(RcnnScenes.SIZE, RcnnScenes.SIZE, EXAMPLES, BEST_TO_DRAW);
    }

    static Options parse(List<String> args) {
        CommandArgs a = CommandArgs.parse(NAME, args, Set.of("--train-scenes", "--test-scenes", "--seed", "--out"),
                Set.of(), false);
        return new Options(a.intIn("--train-scenes", 300, 1, 20_000), a.intIn("--test-scenes", 100, 1, 20_000),
                a.longOf("--seed", 0), a.path("--out"), a.help());
    }

    static int run(List<String> args, PrintStream out) {
        Options o = parse(args);
        if (o.help()) {
            out.print(help());
            return Main.OK;
        }
        OutputDir.prepare(NAME, o.out());
        long t0 = System.nanoTime();
        List<Sample> train = RcnnScenes.generate(FashionMnist.Split.TRAIN, o.trainScenes(), o.seed());
        List<Sample> test = RcnnScenes.generate(FashionMnist.Split.TEST, o.testScenes(), o.seed() + 7919);
        out.printf(Locale.ROOT, "%d training / %d held-out scenes of %dx%d%n", o.trainScenes(), o.testScenes(),
                RcnnScenes.SIZE, RcnnScenes.SIZE);
        RcnnEval.Report r;
        try (Backend backend = Devices.open("cpu");
                Rcnn model = RcnnTrainer.train(backend, train, RcnnTrainer.Options.defaults(o.seed()), out)) {
            out.printf(Locale.ROOT, "trained in %.1f s; evaluating%n", (System.nanoTime() - t0) / 1e9);
            r = RcnnEval.evaluate(model, test);
        }
        double[] chance = RcnnEval.ap(r.groundTruth(),
                RcnnEval.annotations(RcnnEval.randomDetections(test, 100, o.seed())));
        if (o.out() != null) {
            Path json = o.out().resolve("detections.json");
            Path png = o.out().resolve("detections.png");
            try {
                CocoResults.write(json, r.detections());
                Pngs.write(png, examples(test, r.perImage()));
            } catch (IOException e) {
                throw new UsageException(NAME + ": cannot write to " + o.out() + ": " + Main.describe(e));
            }
            out.println("wrote " + json + " and " + png);
        }
        out.printf(Locale.ROOT, "proposals per image: %.1f (selective search fast; all kept, the cap is 2000)%n",
                r.proposalsPerImage());
        out.printf(Locale.ROOT, "random boxes (100 per image): AP=%.3f AP50=%.3f%n", chance[0], chance[1]);
        out.printf(Locale.ROOT, "without box regression: AP=%.3f AP50=%.3f AP75=%.3f%n", r.statsNoRegression()[0],
                r.statsNoRegression()[1], r.statsNoRegression()[2]);
        out.printf(Locale.ROOT, "box AP=%.3f AP50=%.3f AP75=%.3f%n", r.stats()[0], r.stats()[1], r.stats()[2]);
        out.printf(Locale.ROOT, "time per image: %.0f ms%n", r.msPerImage());
        return Main.OK;
    }

    private static BufferedImage examples(List<Sample> test, List<Rcnn.Detections> dets) {
        int n = Math.min(EXAMPLES, test.size());
        int s = RcnnScenes.SIZE;
        int scale = 4;
        int cols = Math.min(4, n);
        int rows = (n + cols - 1) / cols;
        int gap = 4;
        int cell = s * scale;
        BufferedImage grid = new BufferedImage(gap + cols * (cell + gap), gap + rows * (cell + gap),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
            for (int i = 0; i < n; i++) {
                Rcnn.Detections d = dets.get(i);
                int m = Math.min(BEST_TO_DRAW, d.count()); // detections come by decreasing score
                float[] b = java.util.Arrays.copyOf(d.boxes(), 4 * m);
                float[] sc = java.util.Arrays.copyOf(d.scores(), m);
                long[] lb = java.util.Arrays.copyOf(d.labels(), m);
                BufferedImage im = DetectionPainter.draw(Images.toImage(test.get(i).image()),
                        Tensor.ofFloats(b, m, 4), Tensor.ofLongs(lb, m), Tensor.ofFloats(sc, m), null,
                        FashionMnist.CLASS_NAMES, scale);
                g.drawImage(im, gap + (i % cols) * (cell + gap), gap + (i / cols) * (cell + gap), null);
            }
        } finally {
            g.dispose();
        }
        return grid;
    }
}
