package org.rcnn4j.classic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Trains one class's {@link LinearSvm} with hard-negative mining (Felzenszwalb et al. 2010, as R-CNN uses it):
 * start from all positives and a random sample of negatives (the cache), train, then score every negative of the
 * pool, add those inside the margin (score > -1, R-CNN's hard threshold) that are not cached, drop cached ones
 * scored well outside it (< -1.2, R-CNN's easy threshold), retrain; stop when a round adds nothing or after
 * {@code rounds} rounds.
 */
public final class HardNegativeMining {
    public static final double HARD = -1.0001;
    public static final double EASY = -1.2;

    /** Settings: rounds of mining after the first fit, and how many negatives the first cache samples. */
    public record Options(int rounds, int initialNegatives, LinearSvm.Options svm) {
        public Options {
            if (rounds < 0 || initialNegatives < 1) {
                throw new IllegalArgumentException("rounds must be >= 0 and initialNegatives >= 1");
            }
        }
    }

    /**
     * @param svm      the final model
     * @param added    negatives added by each mining round (0 in the last entry when mining ran out)
     * @param cacheEnd negatives in the cache at the end
     */
    public record Result(LinearSvm svm, int[] added, int cacheEnd, LinearSvm.Stats lastStats) {
    }

    private HardNegativeMining() {
    }

    /** x: features [*, d] flat; pos / neg: row indices of the positives and of the negative pool. */
    public static Result train(float[] x, int d, int[] pos, int[] neg, Options o) {
        SplittableRandom rng = new SplittableRandom(o.svm().seed() ^ 0x6a09e667f3bcc909L);
        boolean[] cached = new boolean[neg.length];
        int[] perm = neg.length == 0 ? new int[0] : rng.ints(0, Integer.MAX_VALUE).limit(neg.length).toArray();
        Integer[] order = new Integer[neg.length];
        for (int i = 0; i < neg.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(perm[a], perm[b]));
        for (int i = 0; i < Math.min(o.initialNegatives(), neg.length); i++) {
            cached[order[i]] = true;
        }
        LinearSvm.Fit fit = fit(x, d, pos, neg, cached, o.svm());
        List<Integer> added = new ArrayList<>();
        for (int round = 0; round < o.rounds(); round++) {
            int count = 0;
            for (int i = 0; i < neg.length; i++) {
                double s = fit.svm().score(x, neg[i]);
                if (!cached[i] && s > HARD) {
                    cached[i] = true;
                    count++;
                } else if (cached[i] && s < EASY) {
                    cached[i] = false;
                }
            }
            added.add(count);
            if (count == 0) {
                break;
            }
            fit = fit(x, d, pos, neg, cached, o.svm());
        }
        int cacheEnd = 0;
        for (boolean c : cached) {
            cacheEnd += c ? 1 : 0;
        }
        return new Result(fit.svm(), added.stream().mapToInt(Integer::intValue).toArray(), cacheEnd, fit.stats());
    }

    private static LinearSvm.Fit fit(float[] x, int d, int[] pos, int[] neg, boolean[] cached, LinearSvm.Options o) {
        int m = 0;
        for (boolean c : cached) {
            m += c ? 1 : 0;
        }
        int[] rows = new int[pos.length + m];
        boolean[] positive = new boolean[rows.length];
        System.arraycopy(pos, 0, rows, 0, pos.length);
        Arrays.fill(positive, 0, pos.length, true);
        int k = pos.length;
        for (int i = 0; i < neg.length; i++) {
            if (cached[i]) {
                rows[k++] = neg[i];
            }
        }
        return LinearSvm.train(x, d, rows, positive, o);
    }
}
