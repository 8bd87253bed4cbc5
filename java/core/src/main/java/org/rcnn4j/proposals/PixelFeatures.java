package org.rcnn4j.proposals;

/**
 * Per-pixel histogram bins of one colour-converted image: a colour bin per channel (25 bins over [0, 1]) and a
 * texture bin per channel and orientation (10 bins of the Gaussian-derivative magnitude, sigma 1, 8 orientations:
 * the derivative along 0, 45, 90 and 135 degrees split into its positive and negative parts).
 */
public final class PixelFeatures {
    public static final int COLOUR_BINS = 25;
    public static final int TEXTURE_BINS = 10;
    public static final int ORIENTATIONS = 8;
    static final double TEXTURE_SIGMA = 1.0;

    final int width;
    final int height;
    final int channels;
    /** colour[c][pixel] in 0..24. */
    final byte[][] colour;
    /** texture[c * 8 + o][pixel] in 0..9. */
    final byte[][] texture;

    private PixelFeatures(int width, int height, byte[][] colour, byte[][] texture) {
        this.width = width;
        this.height = height;
        this.channels = colour.length;
        this.colour = colour;
        this.texture = texture;
    }

    /** @param planes values in [0, 1] */
    public static PixelFeatures of(float[][] planes, int width, int height) {
        int n = width * height;
        int ch = planes.length;
        byte[][] colour = new byte[ch][n];
        byte[][] texture = new byte[ch * ORIENTATIONS][n];
        float[] g = Gaussian.kernel(TEXTURE_SIGMA);
        float[] d = Gaussian.derivativeKernel(TEXTURE_SIGMA);
        float s = (float) Math.sqrt(0.5);
        for (int c = 0; c < ch; c++) {
            float[] p = planes[c];
            byte[] cb = colour[c];
            for (int i = 0; i < n; i++) {
                cb[i] = (byte) bin(p[i], 1f, COLOUR_BINS);
            }
            float[] gx = Gaussian.vertical(Gaussian.horizontal(p, width, height, d), width, height, g);
            float[] gy = Gaussian.vertical(Gaussian.horizontal(p, width, height, g), width, height, d);
            float max = 0f;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, Math.max(Math.max(Math.abs(gx[i]), Math.abs(gy[i])),
                        Math.max(Math.abs(s * (gx[i] + gy[i])), Math.abs(s * (gy[i] - gx[i])))));
            }
            // below this the response is rounding noise of a flat plane, not texture
            float scale = max > 1e-4f ? 1f / max : 0f;
            byte[][] t = new byte[ORIENTATIONS][];
            for (int o = 0; o < ORIENTATIONS; o++) {
                t[o] = texture[c * ORIENTATIONS + o];
            }
            for (int i = 0; i < n; i++) {
                float x = gx[i] * scale;
                float y = gy[i] * scale;
                orient(t[0], t[4], i, x);
                orient(t[1], t[5], i, s * (x + y));
                orient(t[2], t[6], i, y);
                orient(t[3], t[7], i, s * (y - x));
            }
        }
        return new PixelFeatures(width, height, colour, texture);
    }

    /** The positive part of a directional derivative goes to one orientation, the negative to the opposite. */
    private static void orient(byte[] pos, byte[] neg, int i, float v) {
        pos[i] = (byte) bin(Math.max(v, 0f), 1f, TEXTURE_BINS);
        neg[i] = (byte) bin(Math.max(-v, 0f), 1f, TEXTURE_BINS);
    }

    static int bin(float v, float range, int bins) {
        int b = (int) (v / range * bins);
        return b < 0 ? 0 : b >= bins ? bins - 1 : b;
    }

    int colourDims() {
        return channels * COLOUR_BINS;
    }

    int textureDims() {
        return channels * ORIENTATIONS * TEXTURE_BINS;
    }
}
