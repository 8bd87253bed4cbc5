package org.rcnn4j.classic;

/**
 * R-CNN's region warping (Girshick et al. 2014, section 2.1 and appendix A): the box is dilated so that, once
 * warped, it is surrounded by {@code padding} pixels of context, then the dilated box is resized anisotropically
 * (bilinear) to out x out. Where the dilated box leaves the image, the image's mean colour fills in, as in the
 * paper. Boxes are (x1, y1, x2, y2) in pixel-edge coordinates (a box around pixel columns a..b has x1 = a,
 * x2 = b + 1).
 */
public final class Warp {
    /** The paper's context: 16 pixels around the box at the 227-pixel network input. */
    public static final int PAPER_PADDING = 16;
    public static final int PAPER_INPUT = 227;

    private Warp() {
    }

    /** The paper's padding scaled to an input of {@code out} pixels (16 at 227). */
    public static int scaledPadding(int out) {
        return (int) Math.round((double) PAPER_PADDING * out / PAPER_INPUT);
    }

    /**
     * Writes the warped region of {@code image} (F32 [3, h, w] flat) into dst[dstOff ..] as [3, out, out].
     *
     * @param mean per-channel fill for samples outside the image (3 values)
     */
    public static void crop(float[] image, int h, int w, float[] mean, float x1, float y1, float x2, float y2,
            int out, int padding, float[] dst, int dstOff) {
        if (out < 1 || padding < 0 || 2 * padding >= out) {
            throw new IllegalArgumentException("out must be >= 1 and padding in [0, out/2), got out " + out
                    + " padding " + padding);
        }
        // at least one pixel wide: a degenerate box still warps to something finite
        double bw = Math.max(1.0, x2 - x1);
        double bh = Math.max(1.0, y2 - y1);
        double cx = 0.5 * (x1 + x2);
        double cy = 0.5 * (y1 + y2);
        // the box fills out - 2p warped pixels, so the dilated box is out / (out - 2p) times larger
        double grow = (double) out / (out - 2 * padding);
        double dw = bw * grow;
        double dh = bh * grow;
        double ox = cx - 0.5 * dw;
        double oy = cy - 0.5 * dh;
        int plane = h * w;
        int outPlane = out * out;
        for (int i = 0; i < out; i++) {
            // centre of output row i, in the image's pixel-index coordinates (pixel k's centre at k)
            double sy = oy + (i + 0.5) * dh / out - 0.5;
            for (int j = 0; j < out; j++) {
                double sx = ox + (j + 0.5) * dw / out - 0.5;
                int o = dstOff + i * out + j;
                if (sy < -0.5 || sy > h - 0.5 || sx < -0.5 || sx > w - 0.5) {
                    for (int c = 0; c < 3; c++) {
                        dst[o + c * outPlane] = mean[c];
                    }
                    continue;
                }
                double cyc = Math.min(Math.max(sy, 0), h - 1);
                double cxc = Math.min(Math.max(sx, 0), w - 1);
                int y0 = (int) cyc;
                int x0 = (int) cxc;
                int y1i = Math.min(y0 + 1, h - 1);
                int x1i = Math.min(x0 + 1, w - 1);
                float fy = (float) (cyc - y0);
                float fx = (float) (cxc - x0);
                for (int c = 0; c < 3; c++) {
                    int b = c * plane;
                    float top = (1 - fx) * image[b + y0 * w + x0] + fx * image[b + y0 * w + x1i];
                    float bot = (1 - fx) * image[b + y1i * w + x0] + fx * image[b + y1i * w + x1i];
                    dst[o + c * outPlane] = (1 - fy) * top + fy * bot;
                }
            }
        }
    }

    /** The per-channel mean of an F32 [3, h, w] image. */
    public static float[] mean(float[] image, int h, int w) {
        int plane = h * w;
        float[] m = new float[3];
        for (int c = 0; c < 3; c++) {
            double s = 0;
            for (int p = 0; p < plane; p++) {
                s += image[c * plane + p];
            }
            m[c] = (float) (s / plane);
        }
        return m;
    }
}
