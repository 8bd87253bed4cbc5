package org.rcnn4j.viz;

import java.awt.image.BufferedImage;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/** Conversions between image tensors (F32 [3, H, W] in [0, 1]) and BufferedImages. */
public final class Images {
    private Images() {
    }

    /** An RGB image from an F32 [3, H, W] (or [1, H, W], grey) tensor; values are clamped to [0, 1]. */
    public static BufferedImage toImage(Tensor image) {
        int[] s = image.shape();
        if (image.dtype() != DType.F32 || s.length != 3 || (s[0] != 3 && s[0] != 1)) {
            throw new IllegalArgumentException("image must be F32 [3, H, W] or [1, H, W], got " + image.dtype() + " "
                    + java.util.Arrays.toString(s));
        }
        int c = s[0];
        int h = s[1];
        int w = s[2];
        int plane = h * w;
        float[] v = image.floats();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] px = new int[plane];
        for (int p = 0; p < plane; p++) {
            int r = byteOf(v[p]);
            int g = c == 3 ? byteOf(v[plane + p]) : r;
            int b = c == 3 ? byteOf(v[2 * plane + p]) : r;
            px[p] = (r << 16) | (g << 8) | b;
        }
        out.setRGB(0, 0, w, h, px, 0, w);
        return out;
    }

    private static int byteOf(float v) {
        if (!(v > 0)) {
            return 0;
        }
        return v >= 1 ? 255 : Math.round(v * 255f);
    }

    /** A copy of the image as TYPE_INT_RGB (drawing target). */
    public static BufferedImage copy(BufferedImage src) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = out.createGraphics();
        g.drawImage(src, 0, 0, null);
        g.dispose();
        return out;
    }
}
