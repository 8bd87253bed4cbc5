package org.rcnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.rcnn4j.tensor.Tensor;

class CompareTest {

    @Test
    void relativeToTheLargestExpectedMagnitude() {
        Tensor e = Tensor.ofFloats(new float[] {10, -20, 1}, 3);
        Tensor a = Tensor.ofFloats(new float[] {10, -20, 1.2f}, 3);
        assertEquals(0.2 / 20, Compare.relativeError(e, a), 1e-7);
        assertEquals(0, Compare.relativeError(e, e));
    }

    @Test
    void nanMustStandWhereNanStands() {
        Tensor e = Tensor.ofFloats(new float[] {Float.NaN, 1}, 2);
        assertEquals(0, Compare.relativeError(e, Tensor.ofFloats(new float[] {Float.NaN, 1}, 2)));
        assertEquals(Double.POSITIVE_INFINITY, Compare.relativeError(e, Tensor.ofFloats(new float[] {0, 1}, 2)));
        assertEquals(Double.POSITIVE_INFINITY, Compare.relativeError(Tensor.ofFloats(new float[] {0, 1}, 2), e));
    }

    @Test
    void integersAreExact() {
        Tensor e = Tensor.ofLongs(new long[] {3, 1, 2}, 3);
        assertEquals(0, Compare.relativeError(e, Tensor.ofLongs(new long[] {3, 1, 2}, 3)));
        assertEquals(Double.POSITIVE_INFINITY, Compare.relativeError(e, Tensor.ofLongs(new long[] {1, 3, 2}, 3)));
    }
}
