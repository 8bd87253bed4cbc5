package org.rcnn4j.proposals;

/** Separable Gaussian smoothing and derivatives of one plane, borders replicated. */
final class Gaussian {
    private Gaussian() {
    }

    /** The normalised kernel, radius ceil(4 sigma) as in Felzenszwalb's code. */
    static float[] kernel(double sigma) {
        int radius = (int) Math.ceil(4 * sigma);
        float[] k = new float[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            double v = Math.exp(-0.5 * i * i / (sigma * sigma));
            k[i + radius] = (float) v;
            sum += v;
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        return k;
    }

    /** The derivative-of-Gaussian kernel (odd, sum of i*k[i] = 1 so a unit ramp gives 1). */
    static float[] derivativeKernel(double sigma) {
        int radius = (int) Math.ceil(4 * sigma);
        float[] k = new float[2 * radius + 1];
        double norm = 0;
        for (int i = -radius; i <= radius; i++) {
            double v = i * Math.exp(-0.5 * i * i / (sigma * sigma));
            k[i + radius] = (float) v;
            norm += i * v;
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= norm;
        }
        return k;
    }

    static float[] smooth(float[] src, int w, int h, double sigma) {
        float[] k = kernel(sigma);
        return vertical(horizontal(src, w, h, k), w, h, k);
    }

    /** Correlates rows with k: out[x] = sum_i k[i] * src[x + i - r]. */
    static float[] horizontal(float[] src, int w, int h, float[] k) {
        int r = k.length / 2;
        float[] out = new float[src.length];
        for (int y = 0; y < h; y++) {
            int row = y * w;
            for (int x = 0; x < w; x++) {
                float s = 0f;
                if (x >= r && x + r < w) { // interior: no clamping
                    int base = row + x - r;
                    for (int i = 0; i < k.length; i++) {
                        s += k[i] * src[base + i];
                    }
                } else {
                    for (int i = 0; i < k.length; i++) {
                        int xx = Math.min(w - 1, Math.max(0, x + i - r));
                        s += k[i] * src[row + xx];
                    }
                }
                out[row + x] = s;
            }
        }
        return out;
    }

    static float[] vertical(float[] src, int w, int h, float[] k) {
        int r = k.length / 2;
        float[] out = new float[src.length];
        for (int y = 0; y < h; y++) {
            int row = y * w;
            for (int i = 0; i < k.length; i++) {
                int yy = Math.min(h - 1, Math.max(0, y + i - r));
                float ki = k[i];
                int srow = yy * w;
                for (int x = 0; x < w; x++) {
                    out[row + x] += ki * src[srow + x];
                }
            }
        }
        return out;
    }
}
