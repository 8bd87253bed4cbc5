package org.rcnn4j.proposals;

/**
 * The colour spaces of selective search's diversification (Uijlings et al. 2013, table 1). {@link #convert} gives
 * one to three planes with values in [0, 1]: histograms bin that range, segmentation scales it by 255 so that
 * Felzenszwalb's k keeps its usual meaning.
 */
public enum ColorSpace {
    RGB, HSV, LAB, RGI, H, I;

    public float[][] convert(RgbImage im) {
        int n = im.pixels();
        float[] r = im.r();
        float[] g = im.g();
        float[] b = im.b();
        switch (this) {
            case RGB: {
                float[][] p = new float[3][n];
                for (int i = 0; i < n; i++) {
                    p[0][i] = r[i] / 255f;
                    p[1][i] = g[i] / 255f;
                    p[2][i] = b[i] / 255f;
                }
                return p;
            }
            case HSV:
            case H: {
                float[][] p = new float[this == H ? 1 : 3][n];
                for (int i = 0; i < n; i++) {
                    float rr = r[i] / 255f, gg = g[i] / 255f, bb = b[i] / 255f;
                    float max = Math.max(rr, Math.max(gg, bb));
                    float min = Math.min(rr, Math.min(gg, bb));
                    float d = max - min;
                    float hue;
                    if (d <= 0f) {
                        hue = 0f;
                    } else if (max == rr) {
                        hue = (gg - bb) / d;
                        if (hue < 0f) {
                            hue += 6f;
                        }
                    } else if (max == gg) {
                        hue = (bb - rr) / d + 2f;
                    } else {
                        hue = (rr - gg) / d + 4f;
                    }
                    p[0][i] = Math.min(hue / 6f, 1f);
                    if (this == HSV) {
                        p[1][i] = max <= 0f ? 0f : d / max;
                        p[2][i] = max;
                    }
                }
                return p;
            }
            case LAB: {
                float[][] p = new float[3][n];
                for (int i = 0; i < n; i++) {
                    double rl = linear(r[i] / 255.0), gl = linear(g[i] / 255.0), bl = linear(b[i] / 255.0);
                    // sRGB -> XYZ (D65), normalised by the white point
                    double x = (0.412453 * rl + 0.357580 * gl + 0.180423 * bl) / 0.950456;
                    double y = 0.212671 * rl + 0.715160 * gl + 0.072169 * bl;
                    double z = (0.019334 * rl + 0.119193 * gl + 0.950227 * bl) / 1.088754;
                    double fx = labF(x), fy = labF(y), fz = labF(z);
                    double l = 116 * fy - 16;
                    double a = 500 * (fx - fy);
                    double bb = 200 * (fy - fz);
                    p[0][i] = (float) clamp01(l / 100);
                    p[1][i] = (float) clamp01((a + 128) / 255);
                    p[2][i] = (float) clamp01((bb + 128) / 255);
                }
                return p;
            }
            case RGI: {
                float[][] p = new float[3][n];
                for (int i = 0; i < n; i++) {
                    float s = r[i] + g[i] + b[i];
                    p[0][i] = s <= 0f ? 1f / 3f : r[i] / s;
                    p[1][i] = s <= 0f ? 1f / 3f : g[i] / s;
                    p[2][i] = s / 765f;
                }
                return p;
            }
            case I: {
                float[][] p = new float[1][n];
                for (int i = 0; i < n; i++) {
                    p[0][i] = (r[i] + g[i] + b[i]) / 765f;
                }
                return p;
            }
            default:
                throw new AssertionError(this);
        }
    }

    private static double linear(double c) {
        return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }

    private static double labF(double t) {
        return t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16.0 / 116;
    }

    private static double clamp01(double v) {
        return v < 0 ? 0 : v > 1 ? 1 : v;
    }
}
