package org.rcnn4j.proposals;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RadixSortTest {
    @Test
    void matchesAFullSortWhenLowWordsIncrease() {
        for (long seed : new long[] {1, 2, 3}) {
            Random r = new Random(seed);
            int n = 5000 + r.nextInt(1000);
            long[] a = new long[n];
            for (int i = 0; i < n; i++) {
                // few distinct weights (many ties) in some runs, arbitrary float bits in others
                float w = seed == 1 ? r.nextInt(7) : seed == 2 ? r.nextFloat() * 400 : Math.abs(r.nextFloat() * 1e30f);
                a[i] = ((long) Float.floatToIntBits(w) << 32) | i;
            }
            long[] expected = a.clone();
            Arrays.sort(expected);
            RadixSort.sortByHighWord(a);
            assertArrayEquals(expected, a, "seed " + seed);
        }
    }

    @Test
    void emptyAndSingle() {
        long[] e = {};
        RadixSort.sortByHighWord(e);
        long[] one = {42L << 32};
        RadixSort.sortByHighWord(one);
        assertArrayEquals(new long[] {42L << 32}, one);
    }
}
