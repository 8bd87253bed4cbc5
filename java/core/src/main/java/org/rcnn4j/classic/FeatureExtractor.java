package org.rcnn4j.classic;

import java.io.PrintStream;
import java.util.List;
import java.util.SplittableRandom;
import org.rcnn4j.autograd.Autograd;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.data.FashionMnist;
import org.rcnn4j.data.Sample;
import org.rcnn4j.tensor.Tensor;

/**
 * R-CNN's ConvNet feature extractor in the transfer-learning setting: a {@link ClassifyLocalize} trunk pretrained
 * to classify warped regions of scenes (items, jittered a little, as their class; random boxes overlapping no item
 * by 0.3 or more as an extra background class), then frozen. A region's features are the trunk's penultimate
 * layer (after its relu) on the region warped to input x input with the paper's context padding scaled to that
 * size, the warped crop standardised per channel as in pretraining.
 */
public final class FeatureExtractor implements AutoCloseable {
    private static final int BATCH = 256;

    private final ClassifyLocalize net;
    private final int input;
    private final int padding;

    /** Pretraining settings: input side (a multiple of 8), feature size, scenes, epochs, SGD learning rate, seed. */
    public record Options(int input, int features, int scenes, int epochs, double lr, long seed) {
        public Options {
            if (scenes < 1 || epochs < 1 || !(lr > 0)) {
                throw new IllegalArgumentException("scenes and epochs must be >= 1 and lr > 0");
            }
        }

        /** SGD lr: at 0.02 (classify-localize's) this 11-way training stalls near cross-entropy 1.3, at 0.05 at 2.1. */
        public static final double DEFAULT_LR = 0.01;

        public static Options defaults(long seed) {
            return new Options(32, 64, 3000, 4, DEFAULT_LR, seed);
        }
    }

    public FeatureExtractor(ClassifyLocalize net) {
        this.net = net;
        this.input = net.imageSize();
        this.padding = Warp.scaledPadding(input);
    }

    public int dim() {
        return net.featureSize();
    }

    public int input() {
        return input;
    }

    public int padding() {
        return padding;
    }

    public Backend backend() {
        return net.backend();
    }

    /**
     * Pretrains a trunk on regions of training-split scenes (seeded apart from the scenes R-CNN trains on):
     * labels 0 (background) and 1..10 (the classes).
     */
    public static FeatureExtractor pretrain(Backend backend, Options o, PrintStream log) {
        List<Sample> scenes = RcnnScenes.generate(FashionMnist.Split.TRAIN, o.scenes(), o.seed() * 31 + 17);
        int labels = FashionMnist.CLASS_NAMES.size() + 1;
        int plane = 3 * o.input() * o.input();
        int pad = Warp.scaledPadding(o.input());
        int total = 0;
        for (Sample s : scenes) {
            total += s.count() + 1;
        }
        float[] crops = new float[total * plane];
        long[] cls = new long[total];
        SplittableRandom rng = new SplittableRandom(o.seed() ^ 0x3c6ef372fe94f82bL);
        int n = 0;
        for (Sample s : scenes) {
            float[] img = s.image().floats();
            int h = s.height();
            int w = s.width();
            float[] mean = Warp.mean(img, h, w);
            long[] lb = s.labels().longs();
            for (int k = 0; k < s.count(); k++) {
                float[] box = jitter(RcnnScenes.box(s, k), rng);
                Warp.crop(img, h, w, mean, box[0], box[1], box[2], box[3], o.input(), pad, crops, n * plane);
                cls[n++] = lb[k];
            }
            float[] bg = background(s, rng);
            if (bg != null) {
                Warp.crop(img, h, w, mean, bg[0], bg[1], bg[2], bg[3], o.input(), pad, crops, n * plane);
                cls[n++] = 0;
            }
        }
        float[] images = java.util.Arrays.copyOf(crops, n * plane);
        SingleObjectScenes data = SingleObjectScenes.of(o.input(), images, java.util.Arrays.copyOf(cls, n),
                new float[n * 4]);
        if (log != null) {
            log.printf("pretraining the feature extractor: %d regions (%d classes + background) at %dx%d, %d epochs%n",
                    n, labels - 1, o.input(), o.input(), o.epochs());
        }
        ClassifyLocalize net = new ClassifyLocalize(backend, o.input(), labels, o.features(), o.seed());
        ClassLocTrainer.Options t = new ClassLocTrainer.Options(1.0, o.epochs(), 16, o.lr(),
                0.9, 1e-4, o.seed(), 100);
        ClassLocTrainer.train(net, data, t, log);
        return new FeatureExtractor(net);
    }

    /** A ground-truth box moved and rescaled a little (kept only if it still overlaps the box by 0.7). */
    private static float[] jitter(float[] g, SplittableRandom rng) {
        float w = g[2] - g[0];
        float h = g[3] - g[1];
        for (int attempt = 0; attempt < 10; attempt++) {
            double dx = rng.nextGaussian() * 0.06 * w;
            double dy = rng.nextGaussian() * 0.06 * h;
            double sw = Math.exp(rng.nextGaussian() * 0.08);
            double sh = Math.exp(rng.nextGaussian() * 0.08);
            double cx = 0.5 * (g[0] + g[2]) + dx;
            double cy = 0.5 * (g[1] + g[3]) + dy;
            float[] b = {(float) (cx - 0.5 * w * sw), (float) (cy - 0.5 * h * sh), (float) (cx + 0.5 * w * sw),
                (float) (cy + 0.5 * h * sh)};
            if (RcnnScenes.iou(b, g) >= 0.7) {
                return b;
            }
        }
        return g;
    }

    /** A random box overlapping every item by less than 0.3, or null when none was found. */
    private static float[] background(Sample s, SplittableRandom rng) {
        int w = s.width();
        int h = s.height();
        for (int attempt = 0; attempt < 30; attempt++) {
            int bw = 6 + rng.nextInt(w - 5);
            int bh = 6 + rng.nextInt(h - 5);
            int x = rng.nextInt(w - bw + 1);
            int y = rng.nextInt(h - bh + 1);
            float[] b = {x, y, x + bw, y + bh};
            double best = 0;
            for (int k = 0; k < s.count(); k++) {
                best = Math.max(best, RcnnScenes.iou(b, RcnnScenes.box(s, k)));
            }
            if (best < 0.3) {
                return b;
            }
        }
        return null;
    }

    /** Features [boxes.length, dim()] flat of the boxes (x1, y1, x2, y2) of an F32 [3, h, w] image. */
    public float[] features(float[] image, int h, int w, float[][] boxes) {
        int d = dim();
        int n = boxes.length;
        float[] out = new float[n * d];
        float[] mean = Warp.mean(image, h, w);
        int plane = 3 * input * input;
        try (Autograd.NoGrad ng = Autograd.noGrad()) {
            for (int from = 0; from < n; from += BATCH) {
                int b = Math.min(BATCH, n - from);
                float[] raw = new float[b * plane];
                float[] std = new float[b * plane];
                for (int i = 0; i < b; i++) {
                    float[] bx = boxes[from + i];
                    Warp.crop(image, h, w, mean, bx[0], bx[1], bx[2], bx[3], input, padding, raw, i * plane);
                    SingleObjectScenes.standardise(raw, i * plane, std, i * plane, input * input);
                }
                try (Scope s = Scope.open()) {
                    Var x = Var.fromHost(net.backend(), Tensor.ofFloats(std, b, 3, input, input));
                    float[] f = net.features(x).toHost().floats();
                    System.arraycopy(f, 0, out, from * d, b * d);
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        net.close();
    }
}
