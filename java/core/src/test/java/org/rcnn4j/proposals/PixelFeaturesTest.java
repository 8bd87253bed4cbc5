package org.rcnn4j.proposals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PixelFeaturesTest {
    @Test
    void colourBinsSplitTheUnitRangeInto25() {
        float[] v = {0f, 0.039f, 0.041f, 0.5f, 0.999f, 1f};
        PixelFeatures f = PixelFeatures.of(new float[][] {v}, 6, 1);
        byte[] c = f.colour[0];
        assertEquals(0, c[0]);
        assertEquals(0, c[1]);
        assertEquals(1, c[2]);
        assertEquals(12, c[3]);
        assertEquals(24, c[4]);
        assertEquals(24, c[5]);
    }

    @Test
    void flatImageHasNoTexture() {
        float[] v = new float[64];
        java.util.Arrays.fill(v, 0.3f);
        PixelFeatures f = PixelFeatures.of(new float[][] {v}, 8, 8);
        for (byte[] t : f.texture) {
            for (byte b : t) {
                assertEquals(0, b);
            }
        }
    }

    @Test
    void verticalStepRespondsInTheXOrientationsOnly() {
        // dark left half, bright right half: the x derivative is positive at the step, the y derivative zero
        int w = 20;
        int h = 20;
        float[] v = new float[w * h];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i % w) < 10 ? 0.1f : 0.9f;
        }
        PixelFeatures f = PixelFeatures.of(new float[][] {v}, w, h);
        int at = 10 * w + 10;
        assertEquals(PixelFeatures.TEXTURE_BINS - 1, f.texture[0][at], "0 degrees, positive");
        assertEquals(0, f.texture[4][at], "180 degrees");
        assertEquals(0, f.texture[2][at], "90 degrees");
        assertEquals(0, f.texture[6][at], "270 degrees");
        assertTrue(f.texture[1][at] > 0, "45 degrees sees part of it");
        assertTrue(f.texture[3][at + 0] == 0 && f.texture[7][at] > 0, "135 degrees: negative part");
    }
}
