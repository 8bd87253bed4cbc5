package org.rcnn4j.proposals;

import java.util.Random;

/** Synthetic test images. */
final class Images {
    private Images() {
    }

    /** A w x h image of one colour. */
    static int[] flat(int w, int h, int rgb) {
        int[] p = new int[w * h];
        java.util.Arrays.fill(p, rgb);
        return p;
    }

    /** Fills [x1, x2) x [y1, y2) with rgb. */
    static void fill(int[] p, int w, int x1, int y1, int x2, int y2, int rgb) {
        for (int y = y1; y < y2; y++) {
            for (int x = x1; x < x2; x++) {
                p[y * w + x] = rgb;
            }
        }
    }

    /** Uniform noise in every channel, seeded. */
    static int[] noise(int w, int h, long seed) {
        Random r = new Random(seed);
        int[] p = new int[w * h];
        for (int i = 0; i < p.length; i++) {
            p[i] = r.nextInt(1 << 24);
        }
        return p;
    }

    /** Adds seeded noise of amplitude +-amp to every channel (clamped to 0..255). */
    static void jitter(int[] p, int amp, long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < p.length; i++) {
            int v = 0;
            for (int s = 16; s >= 0; s -= 8) {
                int c = ((p[i] >> s) & 0xff) + r.nextInt(2 * amp + 1) - amp;
                v |= Math.max(0, Math.min(255, c)) << s;
            }
            p[i] = v;
        }
    }

    static float[][] rgbPlanes(RgbImage im) {
        return new float[][] {im.r(), im.g(), im.b()};
    }
}
