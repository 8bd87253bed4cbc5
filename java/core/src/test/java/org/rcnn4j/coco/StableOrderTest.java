package org.rcnn4j.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StableOrderTest {
    @Test
    void decreasingScoresWithTiesInIndexOrder() {
        assertArrayEquals(new int[] {1, 3, 0, 2, 4}, StableOrder.byDecreasingScore(new double[] {.5, .9, .5, .9, .1}));
        assertArrayEquals(new int[0], StableOrder.byDecreasingScore(new double[0]));
    }

    @Test
    void agreesWithAStableLibrarySortOnRandomTies() {
        long seed = 77L;
        Random rnd = new Random(seed);
        for (int trial = 0; trial < 100; trial++) {
            int n = rnd.nextInt(300);
            double[] s = new double[n];
            for (int i = 0; i < n; i++) {
                s[i] = rnd.nextInt(20) / 10.0; // many ties
            }
            Integer[] want = new Integer[n];
            for (int i = 0; i < n; i++) {
                want[i] = i;
            }
            Arrays.sort(want, Comparator.comparingDouble((Integer i) -> -s[i])); // TimSort: stable
            assertArrayEquals(Arrays.stream(want).mapToInt(Integer::intValue).toArray(),
                    StableOrder.byDecreasingScore(s), "seed " + seed + " trial " + trial);
        }
    }
}
