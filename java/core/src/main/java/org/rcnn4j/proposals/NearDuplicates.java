package org.rcnn4j.proposals;

/**
 * Demotes near-duplicates in a ranked list of boxes: walking the list best first, a box whose IoU with a box
 * already kept is above the threshold is deferred; the kept boxes come first, then the deferred ones, each group
 * in its original order. The result is a permutation of the input, so recall over the whole list is unchanged.
 *
 * <p>Why: selective search finds the same object in many of its strategies, and successive merges in one
 * hierarchy often barely move a box, so the best-ranked boxes of the paper's ranking repeat each other. Deferring
 * the repeats lets the first N proposals cover more objects. A deferred box is not compared again: the kept boxes
 * are what the top of the list is for, and a recursive split of the deferred ones gave the same recall on
 * the tuning scenes (benchmarks/README.md, "Selective search") at more cost.
 */
final class NearDuplicates {
    private NearDuplicates() {
    }

    /** The order of {@link #demote}, as indices into the input, and how many of them were kept (the first ones). */
    record Split(int[] order, int kept) {
    }

    static int[][] demote(int[][] ranked, double maxIou) {
        int[] order = split(ranked, maxIou).order();
        int[][] out = new int[ranked.length][];
        for (int i = 0; i < order.length; i++) {
            out[i] = ranked[order[i]];
        }
        return out;
    }

    /** Boxes are {x1, y1, x2, y2}, non-empty, with non-negative coordinates; maxIou in (0, 1]. */
    static Split split(int[][] ranked, double maxIou) {
        if (!(maxIou > 0 && maxIou <= 1)) {
            throw new IllegalArgumentException("maxIou: expected a value in (0, 1], got " + maxIou);
        }
        int width = 1;
        int height = 1;
        for (int[] b : ranked) {
            width = Math.max(width, b[2]);
            height = Math.max(height, b[3]);
        }
        CornerGrid kept = new CornerGrid(width, height);
        int n = ranked.length;
        int[] order = new int[n];
        int[] deferred = new int[n];
        int nd = 0;
        for (int i = 0; i < n; i++) {
            if (kept.overlapsAbove(ranked[i], maxIou)) {
                deferred[nd++] = i;
            } else {
                order[kept.size()] = i;
                kept.add(ranked[i]);
            }
        }
        int k = kept.size();
        System.arraycopy(deferred, 0, order, k, nd);
        return new Split(order, k);
    }
}
