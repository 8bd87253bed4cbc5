package org.rcnn4j.proposals;

import java.awt.image.BufferedImage;

/** An RGB image as three float planes (row-major, values 0..255). */
public record RgbImage(int width, int height, float[] r, float[] g, float[] b) {
    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image: width and height must be positive, got " + width + "x" + height);
        }
        int n = width * height;
        if (r.length != n || g.length != n || b.length != n) {
            throw new IllegalArgumentException("image: each plane must hold width*height = " + n + " values");
        }
    }

    /** From packed 0xRRGGBB ints (alpha ignored), row-major. */
    public static RgbImage ofPacked(int width, int height, int[] rgb) {
        if (rgb.length != width * height) {
            throw new IllegalArgumentException("rgb: expected " + width * height + " pixels, got " + rgb.length);
        }
        int n = rgb.length;
        float[] r = new float[n];
        float[] g = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            int p = rgb[i];
            r[i] = (p >> 16) & 0xff;
            g[i] = (p >> 8) & 0xff;
            b[i] = p & 0xff;
        }
        return new RgbImage(width, height, r, g, b);
    }

    public static RgbImage of(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        return ofPacked(w, h, img.getRGB(0, 0, w, h, null, 0, w));
    }

    public int pixels() {
        return width * height;
    }
}
