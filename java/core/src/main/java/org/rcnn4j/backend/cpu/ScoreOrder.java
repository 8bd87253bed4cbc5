package org.rcnn4j.backend.cpu;

import java.util.Arrays;

/**
 * The order NMS visits boxes in: scores descending, ties by index (a stable sort), NaN above every number, -0.0
 * equal to 0.0 — torch's stable descending sort.
 */
final class ScoreOrder {
    /** From here on a 3-pass LSD radix sort beats a comparison sort. */
    private static final int RADIX_MIN = 512;
    private static final int DIGIT_BITS = 11;
    private static final int BUCKETS = 1 << DIGIT_BITS;

    private ScoreOrder() {
    }

    /** A key whose signed int order is the numeric order of the scores (all NaNs equal and largest). */
    static int sortableKey(float score) {
        if (score != score) {
            return 0x7fc00000;
        }
        if (score == 0f) {
            return 0;
        }
        int bits = Float.floatToRawIntBits(score);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    /** Indices of {@code scores[0..n)} by descending score, ties in index order. */
    static int[] descending(float[] scores, int n) {
        return n >= RADIX_MIN ? radix(scores, n) : comparison(scores, n);
    }

    private static int[] comparison(float[] scores, int n) {
        // (inverted key, index) packed in one long: a primitive sort of distinct keys is stable by construction
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = ((long) ~sortableKey(scores[i]) << 32) | i;
        }
        Arrays.sort(keys);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = (int) keys[i];
        }
        return order;
    }

    /** LSD radix sort of unsigned keys (descending score first) carrying the index; stable, so ties stay put. */
    private static int[] radix(float[] scores, int n) {
        int[] key = new int[n];
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            key[i] = ~sortableKey(scores[i]) ^ Integer.MIN_VALUE;
            idx[i] = i;
        }
        int[] key2 = new int[n];
        int[] idx2 = new int[n];
        int[] count = new int[BUCKETS];
        for (int shift = 0; shift < 32; shift += DIGIT_BITS) {
            Arrays.fill(count, 0);
            for (int i = 0; i < n; i++) {
                count[(key[i] >>> shift) & (BUCKETS - 1)]++;
            }
            if (count[(key[0] >>> shift) & (BUCKETS - 1)] == n) {
                continue; // every key has this digit: the pass would not move anything
            }
            int sum = 0;
            for (int d = 0; d < BUCKETS; d++) {
                int c = count[d];
                count[d] = sum;
                sum += c;
            }
            for (int i = 0; i < n; i++) {
                int at = count[(key[i] >>> shift) & (BUCKETS - 1)]++;
                key2[at] = key[i];
                idx2[at] = idx[i];
            }
            int[] t = key;
            key = key2;
            key2 = t;
            t = idx;
            idx = idx2;
            idx2 = t;
        }
        return idx;
    }
}
