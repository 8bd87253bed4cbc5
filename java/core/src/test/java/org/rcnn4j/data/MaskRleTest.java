package org.rcnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MaskRleTest {
    @Test
    void encodesColumnMajorStartingWithZeros() {
        // 2 rows x 3 columns:  1 0 1
        //                      1 1 0
        // column-major: (1,1) (0,1) (1,0) -> 0 zeros, 2 ones, 1 zero, 2 ones, 1 zero
        byte[] m = {1, 0, 1, 1, 1, 0};
        assertEquals(List.of(0L, 2L, 1L, 2L, 1L), MaskRle.encode(m, 0, 2, 3));
        assertArrayEquals(m, MaskRle.decode(List.of(0L, 2L, 1L, 2L, 1L), 2, 3));
        assertEquals(List.of(6L), MaskRle.encode(new byte[6], 0, 2, 3));
    }

    @Test
    void roundTripsRandomMasksAtAnyPlane() {
        SplittableRandom rng = new SplittableRandom(5);
        int h = 7;
        int w = 9;
        byte[] masks = new byte[3 * h * w];
        for (int i = 0; i < masks.length; i++) {
            masks[i] = (byte) (rng.nextInt(3) == 0 ? 1 : 0);
        }
        for (int k = 0; k < 3; k++) {
            byte[] plane = java.util.Arrays.copyOfRange(masks, k * h * w, (k + 1) * h * w);
            assertArrayEquals(plane, MaskRle.decode(MaskRle.encode(masks, k, h, w), h, w), "plane " + k + " (seed 5)");
        }
    }

    @Test
    void rejectsCountsThatDoNotCoverTheMask() {
        assertThrows(IllegalArgumentException.class, () -> MaskRle.decode(List.of(1L, 2L), 2, 3));
        assertThrows(IllegalArgumentException.class, () -> MaskRle.decode(List.of(4L, 3L), 2, 3));
        assertThrows(IllegalArgumentException.class, () -> MaskRle.decode(List.of(-1L, 7L), 2, 3));
    }
}
