package org.rcnn4j.proposals;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

class SelectiveSearchTest {
    private static Set<List<Integer>> asSet(int[][] boxes) {
        Set<List<Integer>> s = new HashSet<>();
        for (int[] b : boxes) {
            s.add(List.of(b[0], b[1], b[2], b[3]));
        }
        return s;
    }

    @Test
    void strategiesMatchThePaper() {
        assertEquals(8, SelectiveSearch.strategies(SelectiveSearch.Mode.FAST).size());
        assertEquals(80, SelectiveSearch.strategies(SelectiveSearch.Mode.QUALITY).size());
        assertEquals(1, SelectiveSearch.strategies(SelectiveSearch.Mode.SINGLE).size());
    }

    @Test
    void fastModeFindsTheRectanglesAndTheImage() {
        RgbImage im = HierarchicalGroupingTest.threeRectangles();
        int[][] boxes = SelectiveSearch.propose(im, SelectiveSearch.Mode.FAST);
        Set<List<Integer>> set = asSet(boxes);
        assertEquals(boxes.length, set.size(), "boxes are distinct");
        assertTrue(set.contains(List.of(0, 0, HierarchicalGroupingTest.W, HierarchicalGroupingTest.H)));
        for (int[] r : HierarchicalGroupingTest.RECTS) {
            assertTrue(set.contains(List.of(r[0], r[1], r[2], r[3])), "missing " + Arrays.toString(r));
        }
        for (int[] b : boxes) {
            assertTrue(b[0] >= 0 && b[1] >= 0 && b[0] < b[2] && b[1] < b[3] && b[2] <= HierarchicalGroupingTest.W
                    && b[3] <= HierarchicalGroupingTest.H, Arrays.toString(b));
        }
    }

    @Test
    void sameSeedSameOutputWhateverTheThreads() throws Exception {
        RgbImage im = HierarchicalGroupingTest.threeRectangles();
        List<Strategy> st = SelectiveSearch.strategies(SelectiveSearch.Mode.FAST);
        int[][] a = SelectiveSearch.propose(im, st, 42);
        int[][] b = SelectiveSearch.propose(im, st, 42);
        ForkJoinPool one = new ForkJoinPool(1);
        int[][] c;
        try {
            c = one.submit(() -> SelectiveSearch.propose(im, st, 42)).get();
        } finally {
            one.shutdown();
        }
        assertArrayEquals(a, b);
        assertArrayEquals(a, c);
        int[][] d = SelectiveSearch.propose(im, st, 43);
        assertEquals(asSet(a), asSet(d), "the seed changes the order, not the boxes");
        assertFalse(Arrays.deepEquals(a, d), "another seed, another order");
    }

    @Test
    void diverseRankingIsThePapersWithNearDuplicatesDemoted() {
        RgbImage im = HierarchicalGroupingTest.threeRectangles();
        List<Strategy> st = SelectiveSearch.strategies(SelectiveSearch.Mode.FAST);
        int[][] paper = SelectiveSearch.propose(im, st, 42, SelectiveSearch.Ranking.PAPER);
        int[][] diverse = SelectiveSearch.propose(im, st, 42, SelectiveSearch.Ranking.DIVERSE);
        assertArrayEquals(diverse, SelectiveSearch.propose(im, st, 42), "diverse is the default");
        assertArrayEquals(NearDuplicates.demote(paper, SelectiveSearch.DEMOTE_IOU), diverse);
        assertEquals(asSet(paper), asSet(diverse));
        assertEquals(SelectiveSearch.Ranking.DIVERSE, SelectiveSearch.Ranking.parse("diverse"));
    }

    @Test
    void rankKeepsEachBoxOnceAtItsBestScore() {
        // two hierarchies sharing the whole-image box; the last region of each has position 1
        int[] h1 = {0, 0, 1, 1, 1, 0, 2, 1, 0, 0, 2, 1};
        int[] h2 = {0, 0, 2, 1};
        int[][] r = SelectiveSearch.rank(List.of(new HierarchicalGrouping.Hierarchy(h1, new int[] {1, 1, 2}, 2),
                new HierarchicalGrouping.Hierarchy(h2, new int[] {1}, 1)), 1, SelectiveSearch.Ranking.PAPER);
        assertEquals(3, r.length);
        assertEquals(Set.of(List.of(0, 0, 1, 1), List.of(1, 0, 2, 1), List.of(0, 0, 2, 1)), asSet(r));
    }

    @Test
    void rankFavoursTheTopOfTheHierarchyOnAverage() {
        // one hierarchy of 1000 distinct boxes: the top tenth should mostly rank ahead of the bottom tenth
        int n = 1000;
        int[] boxes = new int[4 * n];
        for (int i = 0; i < n; i++) {
            boxes[4 * i] = i;
            boxes[4 * i + 1] = 0;
            boxes[4 * i + 2] = i + 1;
            boxes[4 * i + 3] = 1;
        }
        int[] depths = new int[n];
        java.util.Arrays.fill(depths, 1);
        int[][] r = SelectiveSearch.rank(List.of(new HierarchicalGrouping.Hierarchy(boxes, depths, n)), 9,
                SelectiveSearch.Ranking.PAPER);
        double topMean = 0;
        double bottomMean = 0;
        for (int pos = 0; pos < n; pos++) {
            int created = r[pos][0];
            if (created >= 900) {
                topMean += pos / 100.0;
            } else if (created < 100) {
                bottomMean += pos / 100.0;
            }
        }
        assertTrue(topMean < bottomMean / 3, "top " + topMean + " bottom " + bottomMean);
    }

    @Test
    void depthRankingPutsShallowRegionsFirstOnAverage() {
        // a chain: 500 initial regions (depth 1), then 499 merges of depth 2..500
        int n = 999;
        int[] boxes = new int[4 * n];
        int[] depths = new int[n];
        for (int i = 0; i < n; i++) {
            boxes[4 * i] = i;
            boxes[4 * i + 2] = i + 1;
            boxes[4 * i + 3] = 1;
            depths[i] = i < 500 ? 1 : i - 498;
        }
        int[][] r = SelectiveSearch.rank(List.of(new HierarchicalGrouping.Hierarchy(boxes, depths, 500)), 9,
                SelectiveSearch.Ranking.DEPTH);
        int initialInFirst500 = 0;
        for (int pos = 0; pos < 500; pos++) {
            if (r[pos][0] < 500) {
                initialInFirst500++;
            }
        }
        assertTrue(initialInFirst500 > 400, "initial regions among the first 500: " + initialInFirst500);
        assertThrows(IllegalArgumentException.class, () -> SelectiveSearch.Ranking.parse("best"));
    }

    @Test
    void emptyStrategiesAreRejected() {
        RgbImage im = RgbImage.ofPacked(2, 2, new int[4]);
        assertThrows(IllegalArgumentException.class, () -> SelectiveSearch.propose(im, new ArrayList<>(), 1));
        assertThrows(IllegalArgumentException.class, () -> SelectiveSearch.Mode.parse("slow"));
    }

    @Test
    void tinyImagesWork() {
        RgbImage im = RgbImage.ofPacked(1, 1, new int[] {0xffffff});
        int[][] r = SelectiveSearch.propose(im, SelectiveSearch.Mode.QUALITY);
        assertEquals(1, r.length);
        assertArrayEquals(new int[] {0, 0, 1, 1}, r[0]);
    }
}
