package org.rcnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.train.TrainRng;

/** Horizontal flip of image, boxes and masks, and its probability. */
class HorizontalFlipTest {
    private static final int H = 3;
    private static final int W = 5;

    /** Pixel (c, y, x) holds 100c + 10y + x; one instance covering columns 1..2 of rows 0..1. */
    private static Sample sample() {
        float[] img = new float[3 * H * W];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    img[(c * H + y) * W + x] = 100 * c + 10 * y + x;
                }
            }
        }
        byte[] mask = new byte[H * W];
        for (int y = 0; y <= 1; y++) {
            for (int x = 1; x <= 2; x++) {
                mask[y * W + x] = 1;
            }
        }
        // the instance's box in pixel-edge coordinates, and a second box without a mask pattern (all zeros)
        float[] boxes = {1, 0, 3, 2, 0.5f, 1, 4.25f, 3};
        return new Sample(Tensor.ofFloats(img, 3, H, W), Tensor.ofFloats(boxes, 2, 4), Tensor.ofLongs(
                new long[] {4, 7}, 2), Tensor.ofBytes(java.util.Arrays.copyOf(mask, 2 * H * W), 2, H, W));
    }

    @Test
    void flipsImageBoxesAndMasks() {
        Sample s = sample();
        Sample f = HorizontalFlip.flip(s);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    assertEquals(100 * c + 10 * y + (W - 1 - x), f.image().floats()[(c * H + y) * W + x],
                            "pixel " + c + "," + y + "," + x);
                }
            }
        }
        assertArrayEquals(new float[] {W - 3, 0, W - 1, 2, W - 4.25f, 1, W - 0.5f, 3}, f.boxes().floats());
        assertArrayEquals(s.labels().longs(), f.labels().longs());
        // the flipped mask covers columns W-1-2 .. W-1-1 = 2..3, which is exactly the flipped box [2, 4)
        byte[] m = f.masks().bytes();
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                boolean inside = y <= 1 && x >= f.boxes().floats()[0] && x < f.boxes().floats()[2];
                assertEquals(inside ? 1 : 0, m[y * W + x], "mask " + y + "," + x);
            }
        }
        assertArrayEquals(new int[] {2, H, W}, f.masks().shape());
        assertEquals(0, s.image().floats()[1] - 1, "input unchanged");
        Sample back = HorizontalFlip.flip(f);
        assertArrayEquals(s.image().floats(), back.image().floats());
        assertArrayEquals(s.boxes().floats(), back.boxes().floats());
        assertArrayEquals(s.masks().bytes(), back.masks().bytes());
    }

    @Test
    void sampleWithoutMasksAndWithoutBoxes() {
        Sample s = new Sample(Tensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 3, 1, 2), Tensor.zeros(
                org.rcnn4j.tensor.DType.F32, 0, 4), Tensor.ofLongs(new long[0], 0), null);
        Sample f = HorizontalFlip.flip(s);
        assertArrayEquals(new float[] {2, 1, 4, 3, 6, 5}, f.image().floats());
        assertEquals(0, f.count());
        assertEquals(null, f.masks());
    }

    @Test
    void flipsWithProbabilityP() {
        Sample s = sample();
        TrainRng rng = new TrainRng(3);
        TrainRng twin = new TrainRng(3);
        HorizontalFlip half = new HorizontalFlip(0.5);
        int flipped = 0;
        for (int i = 0; i < 1000; i++) {
            Sample out = half.apply(s, rng);
            boolean expected = twin.nextDouble() < 0.5;
            assertEquals(expected, out != s, "draw " + i);
            flipped += out != s ? 1 : 0;
        }
        assertTrue(flipped > 430 && flipped < 570, "flipped " + flipped + " of 1000");
        assertSame(s, new HorizontalFlip(0).apply(s, rng));
        assertEquals(W - 3, new HorizontalFlip(1).apply(s, rng).boxes().floats()[0]);
        assertThrows(IllegalArgumentException.class, () -> new HorizontalFlip(1.5));
    }
}
