package org.rcnn4j.proposals;

/** A stable LSD radix sort of longs by their upper 32 bits, read as unsigned (non-negative float bits). */
final class RadixSort {
    private static final int BITS = 11;
    private static final int BUCKETS = 1 << BITS;

    private RadixSort() {
    }

    /**
     * Sorts in place by (v >>> 32), keeping the input order of equal keys: when the low words increase in input
     * order (edge ids generated in order) the result equals a full sort of the longs.
     */
    static void sortByHighWord(long[] a) {
        long[] src = a;
        long[] dst = new long[a.length];
        int[] count = new int[BUCKETS + 1];
        for (int shift = 32; shift < 64; shift += BITS) {
            java.util.Arrays.fill(count, 0);
            for (long v : src) {
                count[(int) ((v >>> shift) & (BUCKETS - 1)) + 1]++;
            }
            if (count[(int) ((src.length == 0 ? 0 : src[0] >>> shift) & (BUCKETS - 1)) + 1] == src.length) {
                continue; // every key has the same digit here: the pass would change nothing
            }
            for (int i = 0; i < BUCKETS; i++) {
                count[i + 1] += count[i];
            }
            for (long v : src) {
                dst[count[(int) ((v >>> shift) & (BUCKETS - 1))]++] = v;
            }
            long[] t = src;
            src = dst;
            dst = t;
        }
        if (src != a) {
            System.arraycopy(src, 0, a, 0, a.length);
        }
    }
}
