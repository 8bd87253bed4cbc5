package org.rcnn4j.cli;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.IntStream;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.classic.ClassLocEval;
import org.rcnn4j.classic.ClassLocTrainer;
import org.rcnn4j.classic.ClassifyLocalize;
import org.rcnn4j.classic.SingleObjectScenes;
import org.rcnn4j.data.FashionMnist;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.viz.DetectionPainter;
import org.rcnn4j.viz.Images;
import org.rcnn4j.viz.LinePlot;
import org.rcnn4j.viz.Pngs;

/**
 * {@code rcnn4j classify-localize}: trains {@link ClassifyLocalize} on single-object Fashion-MNIST scenes, evaluates
 * it on held-out scenes (test-split items, another seed), writes the loss curves and example predictions.
 */
final class ClassifyLocalizeCommand {
    static final int EXAMPLES = 12;

    private ClassifyLocalizeCommand() {
    }

    record Options(double alpha, int epochs, int train, int test, int size, double lr, String device, long seed,
            Path out, boolean help) {
    }

    static String help() {
        return """
                usage: rcnn4j classify-localize [--alpha A] [--epochs N] [--train N] [--test N] [--size PX]
                                                [--device cpu|cuda|cuda-emu] [--seed S] [--out DIR]

                Classification + localization: a small ConvNet ((conv3x3-relu-maxpool) x3, linear 64, then 10 class
                logits and 4 box numbers) trained with SGD (momentum 0.9) on scenes holding one Fashion-MNIST item.
                Loss = A * softmax cross-entropy + (1 - A) * mean squared error on the box (x, y, w, h) normalised
                by the image size. Evaluated on held-out scenes (test-split items): the last line is
                "accuracy=... mean_iou=..." (chance accuracy 0.1).
                  --alpha A       weight of the classification loss, 0..1; default 0.5
                  --epochs N      default 3
                  --train N       training scenes; default 2000
                  --test N        held-out scenes; default 500
                  --size PX       scene side, a multiple of 8 in 16..256; default 64
                  --lr LR         SGD learning rate; default %s
                  --device D      default cpu
                  --seed S        scenes, initialisation and shuffling; default 0
                  --out DIR       also write DIR/curve.png (the two losses per step) and DIR/examples.png
                                  (test scenes: true box and label first colour, prediction second colour)
                """.formatted(ClassLocTrainer.Options.DEFAULT_LR);
    }

    static Options parse(List<String> args) {
        String name = "classify-localize";
        CommandArgs a = CommandArgs.parse(name, args, Set.of("--alpha", "--epochs", "--train", "--test", "--size",
                "--lr", "--device", "--seed", "--out"), Set.of(), false);
        int size = a.intIn("--size", 64, 16, 256);
        if (size % 8 != 0) {
            throw new UsageException(name + ": --size must be a multiple of 8, got " + size);
        }
        return new Options(a.doubleIn("--alpha", 0.5, 0, 1), a.intIn("--epochs", 3, 1, 1000),
                a.intIn("--train", 2000, 1, 100_000), a.intIn("--test", 500, 1, 100_000), size,
                a.doubleIn("--lr", ClassLocTrainer.Options.DEFAULT_LR, 1e-9, 10),
                Devices.checkName(a.string("--device", "cpu")), a.longOf("--seed", 0), a.path("--out"), a.help());
    }

    static int run(List<String> args, PrintStream out) {
        Options o = parse(args);
        if (o.help()) {
            out.print(help());
            return Main.OK;
        }
        OutputDir.prepare("classify-localize", o.out());
        SingleObjectScenes train = SingleObjectScenes.generate(FashionMnist.Split.TRAIN, o.train(), o.size(),
                o.seed());
        SingleObjectScenes test = SingleObjectScenes.generate(FashionMnist.Split.TEST, o.test(), o.size(),
                o.seed() + 7919);
        out.printf(Locale.ROOT, "%d training / %d held-out scenes of %dx%d, alpha %.3f, %d epochs on %s%n",
                o.train(), o.test(), o.size(), o.size(), o.alpha(), o.epochs(), o.device());
        ClassLocTrainer.History history;
        ClassLocEval.Result result;
        try (Backend backend = Devices.open(o.device());
                ClassifyLocalize model = new ClassifyLocalize(backend, o.size(), FashionMnist.CLASS_NAMES.size(),
                        o.seed())) {
            history = ClassLocTrainer.train(model, train,
                    ClassLocTrainer.Options.defaults(o.alpha(), o.epochs(), o.seed()).withLr(o.lr()), out);
            result = ClassLocEval.evaluate(model, test);
        }
        double baseline = ClassLocEval.fixedBoxIou(train.meanBox(), test);
        if (o.out() != null) {
            try {
                writeCurve(o.out().resolve("curve.png"), history);
                Pngs.write(o.out().resolve("examples.png"), examples(test, result));
            } catch (IOException e) {
                throw new UsageException("classify-localize: cannot write to " + o.out() + ": " + Main.describe(e));
            }
            out.println("wrote " + o.out().resolve("curve.png") + " and " + o.out().resolve("examples.png"));
        }
        out.printf(Locale.ROOT, "baseline: chance accuracy 0.100, mean IoU of the mean training box %.3f%n", baseline);
        out.printf(Locale.ROOT, "accuracy=%.3f mean_iou=%.3f%n", result.accuracy(), result.meanIou());
        return Main.OK;
    }

    private static void writeCurve(Path file, ClassLocTrainer.History h) throws IOException {
        double[] x = IntStream.rangeClosed(1, h.crossEntropy().length).asDoubleStream().toArray();
        LinePlot.write(file, "classify-localize training", "step", "loss",
                List.of(new LinePlot.Series("cross-entropy", x, h.crossEntropy()),
                        new LinePlot.Series("box L2 (normalised)", x, h.l2())), 800, 480);
    }

    private static BufferedImage examples(SingleObjectScenes test, ClassLocEval.Result r) {
        int n = Math.min(EXAMPLES, test.count());
        int s = test.size();
        int scale = Math.max(1, 192 / s);
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
                float[] t = test.box(i);
                float[] p = {r.boxes()[i * 4], r.boxes()[i * 4 + 1], r.boxes()[i * 4 + 2], r.boxes()[i * 4 + 3]};
                Tensor boxes = Tensor.ofFloats(new float[] {t[0] * s, t[1] * s, (t[0] + t[2]) * s, (t[1] + t[3]) * s,
                    p[0] * s, p[1] * s, (p[0] + Math.max(0, p[2])) * s, (p[1] + Math.max(0, p[3])) * s}, 2, 4);
                Tensor labels = Tensor.ofLongs(new long[] {test.label(i) + 1, r.labels()[i] + 1}, 2);
                BufferedImage im = DetectionPainter.draw(Images.toImage(test.image(i)), boxes, labels, null, null,
                        FashionMnist.CLASS_NAMES, scale);
                g.drawImage(im, gap + (i % cols) * (cell + gap), gap + (i / cols) * (cell + gap), null);
            }
        } finally {
            g.dispose();
        }
        return grid;
    }
}
