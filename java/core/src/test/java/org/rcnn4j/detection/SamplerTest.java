package org.rcnn4j.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** BalancedPositiveNegativeSampler: counts, subsets, order and determinism (torch's randperm is not matched). */
class SamplerTest {
    private static double[] labels(int pos, int neg, int ignored, long seed) {
        double[] l = new double[pos + neg + ignored];
        int k = 0;
        for (int i = 0; i < pos; i++) {
            l[k++] = 1 + i % 3;
        }
        for (int i = 0; i < neg; i++) {
            l[k++] = 0;
        }
        for (int i = 0; i < ignored; i++) {
            l[k++] = -1;
        }
        // shuffle deterministically so classes interleave
        java.util.Random r = new java.util.Random(seed);
        for (int i = l.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            double t = l[i];
            l[i] = l[j];
            l[j] = t;
        }
        return l;
    }

    private static void checkSubset(double[] l, SampledIndices s) {
        Set<Long> seen = new HashSet<>();
        long prev = -1;
        for (long i : s.positive()) {
            assertTrue(l[(int) i] >= 1, "positive " + i + " has label " + l[(int) i]);
            assertTrue(i > prev, "ascending");
            prev = i;
            assertTrue(seen.add(i));
        }
        prev = -1;
        for (long i : s.negative()) {
            assertEquals(0.0, l[(int) i], "negative " + i);
            assertTrue(i > prev, "ascending");
            prev = i;
            assertTrue(seen.add(i));
        }
        long[] all = s.all();
        assertEquals(s.size(), all.length);
        for (int i = 1; i < all.length; i++) {
            assertTrue(all[i] > all[i - 1]);
        }
    }

    @Test
    void rpnCounts() {
        BalancedPositiveNegativeSampler s = new BalancedPositiveNegativeSampler(256, 0.5, 1);
        double[] many = labels(300, 1000, 50, 2);
        SampledIndices a = s.sample(many);
        assertEquals(128, a.positive().length);
        assertEquals(128, a.negative().length);
        checkSubset(many, a);
        double[] few = labels(20, 1000, 50, 3);
        SampledIndices b = s.sample(few);
        assertEquals(20, b.positive().length);
        assertEquals(236, b.negative().length, "negatives fill the batch");
        checkSubset(few, b);
        double[] scarce = labels(20, 30, 50, 4);
        SampledIndices c = s.sample(scarce);
        assertEquals(20, c.positive().length);
        assertEquals(30, c.negative().length);
        checkSubset(scarce, c);
        SampledIndices none = s.sample(new double[0]);
        assertEquals(0, none.size());
    }

    @Test
    void roiHeadsCounts() {
        BalancedPositiveNegativeSampler s = new BalancedPositiveNegativeSampler(512, 0.25, 9);
        double[] l = labels(400, 2000, 0, 5);
        SampledIndices a = s.sample(l);
        assertEquals(128, a.positive().length, "int(512 * 0.25)");
        assertEquals(384, a.negative().length);
        checkSubset(l, a);
    }

    @Test
    void deterministicFromTheSeedAndNotConstant() {
        double[] l = labels(300, 1000, 0, 6);
        SampledIndices a = new BalancedPositiveNegativeSampler(256, 0.5, 42).sample(l);
        SampledIndices b = new BalancedPositiveNegativeSampler(256, 0.5, 42).sample(l);
        assertArrayEquals(a.positive(), b.positive());
        assertArrayEquals(a.negative(), b.negative());
        SampledIndices c = new BalancedPositiveNegativeSampler(256, 0.5, 43).sample(l);
        assertNotEquals(Arrays.toString(a.negative()), Arrays.toString(c.negative()));
        BalancedPositiveNegativeSampler s = new BalancedPositiveNegativeSampler(256, 0.5, 42);
        s.sample(l);
        assertNotEquals(Arrays.toString(a.negative()), Arrays.toString(s.sample(l).negative()),
                "successive calls draw afresh");
    }

    @Test
    void drawsCoverEveryCandidate() {
        // 10 positives, 2 taken per call: over many calls every positive must be drawn (uniformity smoke check)
        double[] l = labels(10, 0, 0, 7);
        BalancedPositiveNegativeSampler s = new BalancedPositiveNegativeSampler(4, 0.5, 3);
        int[] hits = new int[l.length];
        for (int t = 0; t < 2000; t++) {
            for (long i : s.sample(l).positive()) {
                hits[(int) i]++;
            }
        }
        for (int h : hits) {
            assertTrue(h > 300 && h < 500, "hits " + Arrays.toString(hits));
        }
    }
}
