package org.rcnn4j.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rcnn4j.testing.ArgumentAssert.assertMessageNames;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rcnn4j.testing.RandomTensors;

/** {@link Rle#encodeWindow}: the RLE of a mask given by its window alone equals the RLE of the full-size mask. */
class RleWindowTest {
    @Test
    void windowEncodingEqualsTheFullMasksEncoding() {
        RandomTensors rnd = new RandomTensors();
        SplittableRandom r = rnd.random();
        int nonEmpty = 0;
        for (int trial = 0; trial < 400; trial++) {
            int h = 1 + r.nextInt(40);
            int w = 1 + r.nextInt(40);
            int[] win = switch (trial % 8) {
                case 0 -> new int[] {0, 0, w, h};                      // the whole image
                case 1 -> new int[] {0, 0, r.nextInt(w + 1), h};         // touching the left, top and bottom
                case 2 -> new int[] {r.nextInt(w + 1), r.nextInt(h + 1), w, h}; // the right and bottom borders
                case 3 -> {                                            // empty
                    int x = r.nextInt(w + 1);
                    yield new int[] {x, 0, x, h};
                }
                default -> {
                    int x0 = r.nextInt(w + 1);
                    int y0 = r.nextInt(h + 1);
                    yield new int[] {x0, y0, x0 + r.nextInt(w - x0 + 1), y0 + r.nextInt(h - y0 + 1)};
                }
            };
            int cols = win[2] - win[0];
            int rows = win[3] - win[1];
            byte[] window = new byte[rows * cols];
            // trial 4 of 8: an all-zero window; 5: all ones; else a random fill (values other than 1 count as set)
            double density = r.nextDouble();
            for (int i = 0; i < window.length; i++) {
                window[i] = trial % 8 == 4 ? 0 : trial % 8 == 5 || r.nextDouble() < density
                        ? (byte) (1 + r.nextInt(3)) : 0;
            }
            byte[] columnMajor = new byte[h * w];
            for (int y = 0; y < rows; y++) {
                for (int x = 0; x < cols; x++) {
                    columnMajor[(win[0] + x) * h + win[1] + y] = window[y * cols + x] != 0 ? (byte) 1 : 0;
                }
            }
            Rle want = Rle.encode(columnMajor, h, w);
            Rle got = Rle.encodeWindow(h, w, win[0], win[1], win[2], win[3], window);
            String what = h + "x" + w + " window " + java.util.Arrays.toString(win) + " seed " + rnd.seed();
            assertEquals(h, got.height(), what);
            assertEquals(w, got.width(), what);
            assertArrayEquals(want.counts(), got.counts(), what);
            nonEmpty += want.area() > 0 ? 1 : 0;
        }
        assertTrue(nonEmpty > 100, "most masks should have pixels set, got " + nonEmpty);
    }

    @Test
    void emptyImages() {
        assertArrayEquals(Rle.encode(new byte[0], 0, 5).counts(), Rle.encodeWindow(0, 5, 0, 0, 5, 0,
                new byte[0]).counts());
        assertArrayEquals(Rle.encode(new byte[0], 4, 0).counts(), Rle.encodeWindow(4, 0, 0, 0, 0, 4,
                new byte[0]).counts());
    }

    @Test
    void badWindowsAreNamed() {
        assertMessageNames("window", () -> Rle.encodeWindow(4, 5, 0, 0, 6, 4, new byte[24]));
        assertMessageNames("window", () -> Rle.encodeWindow(4, 5, 3, 0, 2, 4, new byte[0]));
        assertMessageNames("window", () -> Rle.encodeWindow(4, 5, 0, 0, 2, 2, new byte[3]));
        assertMessageNames("window", () -> Rle.encodeWindow(4, 5, 0, 0, 2, 2, null));
        assertMessageNames("RLE size", () -> Rle.encodeWindow(-1, 5, 0, 0, 0, 0, new byte[0]));
    }
}
