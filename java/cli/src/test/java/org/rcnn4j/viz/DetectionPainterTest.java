package org.rcnn4j.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.rcnn4j.tensor.Tensor;

class DetectionPainterTest {
    private static final int GREY = 0x808080;

    private static BufferedImage grey(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, GREY);
            }
        }
        return img;
    }

    @Test
    void drawsMasksBoxesAndTagsInsideTheBoxesOnly() {
        int w = 80;
        int h = 60;
        Tensor boxes = Tensor.ofFloats(new float[] {10, 20, 30, 50, 50, 5, 70, 25}, 2, 4);
        Tensor labels = Tensor.ofLongs(new long[] {1, 3}, 2);
        Tensor scores = Tensor.ofFloats(new float[] {0.9f, 0.5f}, 2);
        byte[] m = new byte[2 * h * w];
        for (int y = 30; y < 40; y++) {
            for (int x = 15; x < 25; x++) {
                m[y * w + x] = 1;
            }
        }
        Tensor masks = Tensor.ofBytes(m, 2, h, w);
        for (int scale : new int[] {1, 3}) {
            BufferedImage out = DetectionPainter.draw(grey(w, h), boxes, labels, scores, masks,
                    List.of("a", "b", "c"), scale);
            assertEquals(w * scale, out.getWidth());
            assertEquals(h * scale, out.getHeight());
            // mask centre: tinted with instance 0's colour, not grey
            int c = out.getRGB(20 * scale, 35 * scale) & 0xffffff;
            assertNotEquals(GREY, c, "mask pixel, scale " + scale);
            Color p = Palette.color(0);
            int expectedRed = Math.round(0.55f * 0x80 + 0.45f * p.getRed());
            assertEquals(expectedRed, (c >> 16) & 0xff, 1, "mask blend, scale " + scale);
            // box outlines
            assertNotEquals(GREY, out.getRGB(10 * scale, 40 * scale) & 0xffffff, "left edge of box 0");
            assertNotEquals(GREY, out.getRGB(60 * scale, 25 * scale - 1) & 0xffffff, "bottom edge of box 1");
            // far from every box, mask and tag: untouched
            assertEquals(GREY, out.getRGB(75 * scale, 55 * scale) & 0xffffff);
            assertEquals(GREY, out.getRGB(40 * scale, 40 * scale) & 0xffffff);
            // mask-free inside of box 1 is untouched away from its edges and tag
            assertEquals(GREY, out.getRGB(60 * scale, 20 * scale) & 0xffffff);
        }
    }

    @Test
    void acceptsNoTagsAndProbabilityMasks() {
        Tensor boxes = Tensor.ofFloats(new float[] {2, 2, 8, 8}, 1, 4);
        float[] prob = new float[100];
        prob[5 * 10 + 5] = 0.7f;
        prob[6 * 10 + 6] = 0.3f;
        BufferedImage out = DetectionPainter.draw(grey(10, 10), boxes, null, null, Tensor.ofFloats(prob, 1, 10, 10),
                null, 1);
        assertNotEquals(GREY, out.getRGB(5, 5) & 0xffffff);
        assertEquals(GREY, out.getRGB(6, 6) & 0xffffff, "below 0.5 is outside");
        BufferedImage empty = DetectionPainter.draw(grey(10, 10), Tensor.ofFloats(new float[0], 0, 4), null, null,
                null, null, 2);
        assertEquals(20, empty.getWidth());
    }

    @Test
    void rejectsMismatchedInputs() {
        Tensor boxes = Tensor.ofFloats(new float[] {2, 2, 8, 8}, 1, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DetectionPainter.draw(
                grey(10, 10), boxes, Tensor.ofLongs(new long[] {1, 2}, 2), null, null, null, 1));
        assertTrue(e.getMessage().contains("labels"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DetectionPainter.draw(grey(10, 10), boxes, null, null,
                Tensor.ofBytes(new byte[81], 1, 9, 9), null, 1));
        assertTrue(e.getMessage().contains("masks"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DetectionPainter.draw(grey(10, 10),
                Tensor.ofFloats(new float[3], 1, 3), null, null, null, null, 1));
    }

    @Test
    void paletteColoursAreDistinct() {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            seen.add(Palette.color(i).getRGB());
        }
        assertEquals(20, seen.size());
    }
}
