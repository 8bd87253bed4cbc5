package org.rcnn4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.Fixtures;

/** The schedule against torch's chained LinearLR + MultiStepLR (fixture train_schedule, gen_train.py). */
class LrScheduleTest {
    private static final Map<String, LrSchedule> CASES = Map.of(
            "a", new LrSchedule(0.02, 0.001, 50, new int[] {80, 120}, 0.1),
            "b", new LrSchedule(0.1, 0.25, 10, new int[] {4, 12}, 0.5),
            "c", new LrSchedule(0.01, 0.5, 3, new int[0], 0.1));

    @Test
    void matchesTorchSchedulers() {
        Map<String, Tensor> f = Fixtures.load("train_schedule");
        for (Map.Entry<String, LrSchedule> c : CASES.entrySet()) {
            double[] expected = f.get(c.getKey()).doubles();
            for (int step = 0; step < expected.length; step++) {
                // torch updates the rate recursively, so it differs from the closed form by rounding only
                assertEquals(expected[step], c.getValue().lr(step), 1e-12 * expected[step],
                        "case " + c.getKey() + " step " + step);
            }
        }
    }

    @Test
    void warmUpReachesBaseAtWarmupIters() {
        LrSchedule s = new LrSchedule(0.1, 0.25, 10, new int[0], 0.5);
        assertEquals(0.025, s.lr(0), 1e-15);
        assertEquals(0.1 * (0.25 + 0.75 * 9 / 10.0), s.lr(9), 1e-15);
        assertTrue(s.lr(9) < 0.1);
        assertEquals(0.1, s.lr(10), 0);
        assertEquals(0.1, s.lr(1_000_000), 0);
        // the fixture's torchvision-like case at its boundary: 49 is still warming up, 50 is the base rate
        double[] a = Fixtures.load("train_schedule").get("a").doubles();
        assertTrue(a[49] < 0.02);
        assertEquals(a[49], CASES.get("a").lr(49), 1e-15);
        assertEquals(a[50], CASES.get("a").lr(50), 1e-15);
    }

    @Test
    void milestonesApplyFromTheirStep() {
        LrSchedule s = new LrSchedule(1.0, 1, 0, new int[] {3, 5}, 0.1);
        assertEquals(1.0, s.lr(2), 0);
        assertEquals(0.1, s.lr(3), 1e-15);
        assertEquals(0.1, s.lr(4), 1e-15);
        assertEquals(0.01, s.lr(5), 1e-16);
        assertEquals(0.5, LrSchedule.constant(0.5).lr(12345), 0);
    }

    @Test
    void rejectsBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(-1, 0.1, 1, new int[0], 0.1));
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(0.1, 0, 1, new int[0], 0.1));
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(0.1, 0.1, -1, new int[0], 0.1));
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(0.1, 0.1, 1, new int[] {5, 5}, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(0.1, 0.1, 1, new int[0], 0));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.constant(0.1).lr(-1));
    }
}
