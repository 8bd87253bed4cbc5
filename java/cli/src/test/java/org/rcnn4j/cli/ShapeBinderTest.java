package org.rcnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShapeBinderTest {

    @Test
    void bindsNamesAndChecksThemAfterwards() {
        ShapeBinder b = new ShapeBinder();
        b.match("boxes", new int[] {7, 4}, "[N,4]");
        assertEquals(7, b.get("N"));
        b.match("scores", new int[] {7}, "[N]");
        UsageException e = assertThrows(UsageException.class, () -> b.match("idxs", new int[] {6}, "[N]"));
        assertEquals("idxs: expected shape [N] with N=7 (from boxes), got [6]", e.getMessage());
    }

    @Test
    void literalAndRank() {
        ShapeBinder b = new ShapeBinder();
        assertThrows(UsageException.class, () -> b.match("boxes", new int[] {7, 5}, "[N,4]"));
        UsageException e = assertThrows(UsageException.class, () -> b.match("boxes", new int[] {7}, "[N,4]"));
        assertTrue(e.getMessage().contains("2 dimensions"), e.getMessage());
        assertFalse(b.isBound("N"), "a failed match binds nothing");
    }

    @Test
    void multiples() {
        ShapeBinder b = new ShapeBinder();
        b.match("rel_codes", new int[] {3, 12}, "[K,4*C]");
        assertEquals(3, b.get("C"));
        assertThrows(UsageException.class, () -> new ShapeBinder().match("rel_codes", new int[] {3, 10}, "[K,4*C]"));
    }

    @Test
    void sameNameTwiceInOneTensor() {
        new ShapeBinder().match("masks", new int[] {2, 1, 28, 28}, "[K,1,M,M]");
        assertThrows(UsageException.class, () -> new ShapeBinder().match("masks", new int[] {2, 1, 28, 27},
                "[K,1,M,M]"));
    }

    @Test
    void leadingDimensionsOfAnyRank() {
        ShapeBinder b = new ShapeBinder();
        b.match("boxes", new int[] {4}, "[...,4]");
        b.match("boxes", new int[] {2, 3, 4}, "[...,4]");
        assertThrows(UsageException.class, () -> b.match("boxes", new int[] {}, "[...,4]"));
        assertThrows(UsageException.class, () -> b.match("boxes", new int[] {2, 5}, "[...,4]"));
    }

    @Test
    void namesBoundFromParameters() {
        ShapeBinder b = new ShapeBinder();
        b.bind("h", 7, "--set output_size");
        UsageException e = assertThrows(UsageException.class, () -> b.match("grad_output", new int[] {1, 2, 6, 7},
                "[K,C,h,w]"));
        assertTrue(e.getMessage().contains("h=7 (from --set output_size)"), e.getMessage());
    }
}
