package org.rcnn4j.classic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class WarpTest {
    /** Channel c of pixel (y, x) = a_c * x + b_c * y + c_c: bilinear sampling reproduces it exactly inside. */
    private static float[] linearImage(int h, int w) {
        float[] im = new float[3 * h * w];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    im[c * h * w + y * w + x] = value(c, y, x);
                }
            }
        }
        return im;
    }

    private static float value(int c, double y, double x) {
        return (float) ((c + 1) * 0.5 * x - 0.25 * y + c);
    }

    @Test
    void aBoxWarpedToItsOwnSizeIsCopied() {
        float[] im = linearImage(12, 16);
        float[] out = new float[3 * 12 * 12];
        // a 12x12 box (columns 2..13) warped to 12x12 without padding: one output pixel per input pixel
        Warp.crop(im, 12, 16, new float[3], 2, 0, 14, 12, 12, 0, out, 0);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 12; y++) {
                for (int x = 0; x < 12; x++) {
                    assertEquals(value(c, y, x + 2), out[c * 144 + y * 12 + x], 1e-5, "c" + c + " y" + y + " x" + x);
                }
            }
        }
    }

    @Test
    void resizedCropSamplesAtTheWarpedPixelCentres() {
        int h = 40;
        int w = 50;
        float[] im = linearImage(h, w);
        int out = 8;
        int pad = 2;
        float[] dst = new float[5 + 3 * out * out];
        // box 20 wide, 16 high; 2 px of context at 8 px means the box spans 4 output pixels: dilated x 8/4 = 2
        float x1 = 15;
        float y1 = 12;
        Warp.crop(im, h, w, new float[] {-1, -1, -1}, x1, y1, x1 + 20, y1 + 16, out, pad, dst, 5);
        double ox = x1 + 10 - 20; // centre 25, dilated width 40
        double oy = y1 + 8 - 16; // centre 20, dilated height 32
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < out; i++) {
                for (int j = 0; j < out; j++) {
                    double sx = ox + (j + 0.5) * 40 / out - 0.5;
                    double sy = oy + (i + 0.5) * 32 / out - 0.5;
                    assertEquals(value(c, sy, sx), dst[5 + c * out * out + i * out + j], 1e-4,
                            "c" + c + " i" + i + " j" + j);
                }
            }
        }
        assertArrayEquals(new float[5], java.util.Arrays.copyOf(dst, 5), 0f, "nothing written before dstOff");
    }

    @Test
    void outsideTheImageIsTheMeanColour() {
        float[] im = linearImage(10, 10);
        float[] mean = Warp.mean(im, 10, 10);
        for (int c = 0; c < 3; c++) {
            assertEquals(value(c, 4.5, 4.5), mean[c], 1e-5);
        }
        float[] dst = new float[3 * 4 * 4];
        // a box in the corner with heavy context: the top-left output pixel lies outside the image
        Warp.crop(im, 10, 10, mean, 0, 0, 2, 2, 4, 1, dst, 0);
        for (int c = 0; c < 3; c++) {
            assertEquals(mean[c], dst[c * 16], 0f, "channel " + c);
        }
    }

    @Test
    void paddingScalesWithTheInput() {
        assertEquals(16, Warp.scaledPadding(227));
        assertEquals(2, Warp.scaledPadding(32));
        assertThrows(IllegalArgumentException.class, () -> Warp.crop(new float[12], 2, 2, new float[3], 0, 0, 1, 1, 4,
                2, new float[48], 0));
    }
}
