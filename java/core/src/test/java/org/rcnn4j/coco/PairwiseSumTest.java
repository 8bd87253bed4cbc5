package org.rcnn4j.coco;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PairwiseSumTest {
    /**
     * np.add.reduce of a[i] = ((i * 7919) % 10007) / 10007.0 * (1 + i % 3) / 3 (numpy 1.24.2, the expected values
     * printed by repr), past the 128-value block and the 8192-value buffer: equal to the last bit.
     */
    @ParameterizedTest
    @CsvSource({"5, 1.3451916991439328", "100, 33.070517304553476", "1000, 332.39782152493257",
        "8192, 2730.961826721295", "8193, 2731.6687318876784", "20000, 6665.356617034742"})
    void matchesNumpyBitForBit(int n, double expected) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = ((i * 7919L) % 10007) / 10007.0 * (1 + i % 3) / 3;
        }
        assertEquals(expected, PairwiseSum.numpySum(a, n), 0.0);
    }
}
