package org.rcnn4j.classic;

import java.io.PrintStream;
import java.util.Locale;
import java.util.SplittableRandom;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Sgd;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;

/**
 * Trains a {@link ClassifyLocalize} with SGD + momentum on single-object scenes, shuffling each epoch from
 * (seed, epoch); logs a progress line every {@code logEvery} steps (step/total, ETA, the losses).
 */
public final class ClassLocTrainer {
    /** Training settings. */
    public record Options(double alpha, int epochs, int batchSize, double lr, double momentum, double weightDecay,
            long seed, int logEvery) {
        public Options {
            if (!(alpha >= 0 && alpha <= 1)) {
                throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
            }
            if (epochs < 1 || batchSize < 1 || logEvery < 1) {
                throw new IllegalArgumentException("epochs, batch size and log interval must be >= 1");
            }
        }

        public static final double DEFAULT_LR = 0.02;

        public static Options defaults(double alpha, int epochs, long seed) {
            return new Options(alpha, epochs, 16, DEFAULT_LR, 0.9, 1e-4, seed, 20);
        }

        public Options withLr(double newLr) {
            return new Options(alpha, epochs, batchSize, newLr, momentum, weightDecay, seed, logEvery);
        }
    }

    /** Per-step losses: cross-entropy and box L2 (the unweighted terms) and the weighted total. */
    public record History(double[] crossEntropy, double[] l2, double[] total) {
    }

    private ClassLocTrainer() {
    }

    public static History train(ClassifyLocalize model, SingleObjectScenes data, Options o, PrintStream log) {
        Backend b = model.backend();
        int n = data.count();
        int perEpoch = (n + o.batchSize() - 1) / o.batchSize();
        int total = perEpoch * o.epochs();
        double[] ce = new double[total];
        double[] l2 = new double[total];
        double[] sum = new double[total];
        long start = System.nanoTime();
        int step = 0;
        try (Sgd opt = new Sgd(model.parameters(), o.lr(), o.momentum(), o.weightDecay())) {
            for (int e = 0; e < o.epochs(); e++) {
                int[] order = shuffled(n, o.seed() * 1_000_003L + e);
                for (int from = 0; from < n; from += o.batchSize()) {
                    SingleObjectScenes.Batch batch = data.batch(order, from, Math.min(n, from + o.batchSize()));
                    try (Scope s = Scope.open()) {
                        opt.zeroGrad();
                        ClassifyLocalize.Loss loss = ClassifyLocalize.loss(
                                model.forward(Var.fromHost(b, batch.images())), Var.fromHost(b, batch.labels()),
                                Var.fromHost(b, batch.boxes()), o.alpha());
                        loss.total().backward();
                        opt.step();
                        ce[step] = loss.crossEntropy().item();
                        l2[step] = loss.l2().item();
                        sum[step] = loss.total().item();
                    }
                    step++;
                    if (log != null && (step % o.logEvery() == 0 || step == total)) {
                        log.println(progress(step, total, e, start, ce, l2, o.logEvery()));
                    }
                }
            }
        }
        return new History(ce, l2, sum);
    }

    private static String progress(int step, int total, int epoch, long start, double[] ce, double[] l2, int window) {
        double elapsed = (System.nanoTime() - start) / 1e9;
        double eta = elapsed / step * (total - step);
        int from = Math.max(0, step - window);
        double c = 0;
        double l = 0;
        for (int i = from; i < step; i++) {
            c += ce[i];
            l += l2[i];
        }
        return String.format(Locale.ROOT, "step %d/%d epoch %d elapsed %.0fs eta %.0fs ce %.4f l2 %.5f", step, total,
                epoch + 1, elapsed, eta, c / (step - from), l / (step - from));
    }

    static int[] shuffled(int n, long seed) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return idx;
    }
}
