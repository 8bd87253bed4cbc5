package org.rcnn4j.proposals;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NearDuplicatesTest {
    private static final double[] THRESHOLDS = {0.3, 0.5, SelectiveSearch.DEMOTE_IOU, 0.8, 0.95, 1.0};

    /** Boxes in a 300x200 image, many of them small jitters of a few "objects", as selective search returns. */
    static int[][] jitteredBoxes(long seed, int n) {
        Random rnd = new Random(seed);
        int[][] objects = new int[12][];
        for (int i = 0; i < objects.length; i++) {
            int w = 4 + rnd.nextInt(250);
            int h = 4 + rnd.nextInt(170);
            int x = rnd.nextInt(300 - w);
            int y = rnd.nextInt(200 - h);
            objects[i] = new int[] {x, y, x + w, y + h};
        }
        int[][] out = new int[n][];
        for (int i = 0; i < n; i++) {
            int[] o = objects[rnd.nextInt(objects.length)];
            int x1 = clamp(o[0] + rnd.nextInt(9) - 4, 0, 298);
            int y1 = clamp(o[1] + rnd.nextInt(9) - 4, 0, 198);
            int x2 = clamp(o[2] + rnd.nextInt(9) - 4, x1 + 1, 300);
            int y2 = clamp(o[3] + rnd.nextInt(9) - 4, y1 + 1, 200);
            out[i] = rnd.nextInt(4) == 0 ? randomBox(rnd) : new int[] {x1, y1, x2, y2};
        }
        return out;
    }

    private static int[] randomBox(Random rnd) {
        int x1 = rnd.nextInt(299);
        int y1 = rnd.nextInt(199);
        return new int[] {x1, y1, x1 + 1 + rnd.nextInt(300 - x1), y1 + 1 + rnd.nextInt(200 - y1)};
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static double iou(int[] a, int[] b) {
        return CornerGrid.iou(a, 0, b);
    }

    @Test
    void demotionIsAPermutationKeepingEachTiersOrder() {
        for (double t : THRESHOLDS) {
            int[][] ranked = jitteredBoxes(3, 600);
            NearDuplicates.Split s = NearDuplicates.split(ranked, t);
            int[] sorted = s.order().clone();
            Arrays.sort(sorted);
            for (int i = 0; i < sorted.length; i++) {
                assertEquals(i, sorted[i], "a permutation of the input");
            }
            for (int i = 1; i < s.order().length; i++) {
                if (i != s.kept()) {
                    assertTrue(s.order()[i - 1] < s.order()[i], "original order within a tier at " + i);
                }
            }
            int[][] demoted = NearDuplicates.demote(ranked, t);
            for (int i = 0; i < ranked.length; i++) {
                assertSame(ranked[s.order()[i]], demoted[i]);
            }
        }
    }

    @Test
    void keptBoxesDoNotOverlapAboveTheThresholdAndEveryDeferredOneDoes() {
        for (double t : THRESHOLDS) {
            int[][] ranked = jitteredBoxes(5, 600);
            NearDuplicates.Split s = NearDuplicates.split(ranked, t);
            List<int[]> kept = new ArrayList<>();
            for (int i = 0; i < s.kept(); i++) {
                int[] b = ranked[s.order()[i]];
                for (int[] k : kept) {
                    assertTrue(iou(k, b) <= t, "kept boxes overlap at t " + t);
                }
                kept.add(b);
            }
            for (int i = s.kept(); i < ranked.length; i++) {
                int idx = s.order()[i];
                boolean repeats = false;
                for (int j = 0; j < s.kept() && s.order()[j] < idx; j++) {
                    repeats |= iou(ranked[s.order()[j]], ranked[idx]) > t;
                }
                assertTrue(repeats, "a deferred box overlaps a better-ranked kept one at t " + t);
            }
            assertTrue(t == 1.0 || s.kept() < ranked.length, "the jittered boxes hold near-duplicates");
        }
    }

    @Test
    void gridAnswersAsTestingEveryBox() {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 40; trial++) {
            double t = 0.05 + 0.95 * rnd.nextDouble();
            CornerGrid grid = new CornerGrid(300, 200);
            List<int[]> all = new ArrayList<>();
            for (int[] b : jitteredBoxes(trial, 150)) {
                boolean brute = all.stream().anyMatch(a -> iou(a, b) > t);
                assertEquals(brute, grid.overlapsAbove(b, t), "trial " + trial + " t " + t);
                grid.add(b);
                all.add(b);
            }
        }
    }

    @Test
    void deterministicAndValidated() {
        int[][] ranked = jitteredBoxes(8, 400);
        assertArrayEquals(NearDuplicates.split(ranked, 0.65).order(), NearDuplicates.split(ranked, 0.65).order());
        assertEquals(0, NearDuplicates.demote(new int[0][], 0.65).length);
        assertThrows(IllegalArgumentException.class, () -> NearDuplicates.split(ranked, 0));
        assertThrows(IllegalArgumentException.class, () -> NearDuplicates.split(ranked, 1.5));
        assertThrows(IllegalArgumentException.class, () -> NearDuplicates.split(ranked, Double.NaN));
    }

    @Test
    void nestedBoxesOfSuccessiveMergesAreDemoted() {
        // the whole image, then a box that differs by one column (IoU 0.99), then a disjoint half
        int[][] ranked = {{0, 0, 100, 100}, {1, 0, 100, 100}, {0, 0, 50, 100}, {50, 0, 100, 100}};
        NearDuplicates.Split s = NearDuplicates.split(ranked, 0.65);
        assertArrayEquals(new int[] {0, 2, 3, 1}, s.order());
        assertEquals(3, s.kept());
    }
}
