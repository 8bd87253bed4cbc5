package org.rcnn4j.proposals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class SimilarityTest {
    @Test
    void histogramIntersectionSumsTheMinima() {
        float[] a = {0.5f, 0.25f, 0.25f, 0f};
        float[] b = {0.1f, 0.6f, 0.1f, 0.2f};
        assertEquals(0.1 + 0.25 + 0.1 + 0, Similarity.intersection(a, 0, b, 0, 4), 1e-7);
        assertEquals(1.0, Similarity.intersection(a, 0, a, 0, 4), 1e-7);
        float[] disjointA = {1f, 0f};
        float[] disjointB = {0f, 1f};
        assertEquals(0.0, Similarity.intersection(disjointA, 0, disjointB, 0, 2), 0);
    }

    @Test
    void intersectionHonoursOffsets() {
        float[] both = {9f, 0.3f, 0.7f, 0.6f, 0.4f};
        assertEquals(0.3 + 0.4, Similarity.intersection(both, 1, both, 3, 2), 1e-7);
    }

    @Test
    void sizeAndFillFollowThePaper() {
        // image 100 px; regions 10 and 30 px
        assertEquals(1 - 40 / 100.0, Similarity.size(10, 30, 100), 1e-12);
        // their joint box 50 px: 10 px of it belong to neither
        assertEquals(1 - 10 / 100.0, Similarity.fill(50, 10, 30, 100), 1e-12);
        // a box they fill exactly
        assertEquals(1.0, Similarity.fill(40, 10, 30, 100), 1e-12);
    }

    @Test
    void combinationsParse() {
        assertEquals(EnumSet.allOf(Similarity.class), Similarity.parse("ctsf"));
        assertEquals(EnumSet.of(Similarity.TEXTURE, Similarity.SIZE, Similarity.FILL), Similarity.parse("TSF"));
        assertEquals("TSF", Similarity.letters(Similarity.parse("FST")));
        assertThrows(IllegalArgumentException.class, () -> Similarity.parse("CX"));
        assertThrows(IllegalArgumentException.class, () -> Similarity.parse(""));
    }
}
