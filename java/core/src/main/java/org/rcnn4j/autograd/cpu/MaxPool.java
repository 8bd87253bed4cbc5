package org.rcnn4j.autograd.cpu;

/**
 * max_pool2d on NCHW planes (padding counts as -inf, floor mode, dilation 1) with the flat h*W+w argmax of each
 * output, and its backward (gradient routed to the argmax). NaN wins, as in torch.
 */
public final class MaxPool {
    private MaxPool() {
    }

    public static int outSize(int in, int k, int s, int p) {
        return (in + 2 * p - k) / s + 1;
    }

    /** Returns the output; argmax (same length) receives the winning input index within each plane. */
    public static double[] forward(double[] x, int planes, int h, int w, int k, int s, int p, int[] argmax) {
        int oh = outSize(h, k, s, p);
        int ow = outSize(w, k, s, p);
        double[] out = new double[planes * oh * ow];
        Par.outer(planes, (long) oh * ow * k * k, c -> {
            int in0 = c * h * w;
            int o0 = c * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                int y0 = oy * s - p;
                for (int ox = 0; ox < ow; ox++) {
                    int x0 = ox * s - p;
                    double best = Double.NEGATIVE_INFINITY;
                    int arg = -1;
                    for (int y = Math.max(0, y0); y < Math.min(h, y0 + k); y++) {
                        for (int xx = Math.max(0, x0); xx < Math.min(w, x0 + k); xx++) {
                            double v = x[in0 + y * w + xx];
                            if (v > best || v != v || arg < 0) {
                                best = v;
                                arg = y * w + xx;
                                if (v != v) {
                                    y = h;
                                    break;
                                }
                            }
                        }
                    }
                    out[o0 + oy * ow + ox] = best;
                    argmax[o0 + oy * ow + ox] = arg;
                }
            }
        });
        return out;
    }

    public static double[] backward(double[] g, int[] argmax, int planes, int h, int w, int oh, int ow) {
        double[] gi = new double[planes * h * w];
        Par.outer(planes, (long) oh * ow, c -> {
            for (int i = c * oh * ow, e = (c + 1) * oh * ow; i < e; i++) {
                if (argmax[i] >= 0) {
                    gi[c * h * w + argmax[i]] += g[i];
                }
            }
        });
        return gi;
    }
}
