package org.rcnn4j.backend.cpu;

import org.rcnn4j.backend.MaxPool;
import org.rcnn4j.backend.OpChecks;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * max_pool2d on NCHW planes (padding counts as -inf, floor mode, dilation 1) with the flat h*W+w argmax of each
 * output, and its backward (gradient routed to the argmax, summed in double). NaN wins, as in torch. Computes in
 * double whatever the dtype (the max of widened floats is exact).
 */
final class MaxPoolCpu implements MaxPool {

    @Override
    public Pooled maxPool2d(Tensor x, int kernel, int stride, int padding) {
        OpChecks.floating("input", x);
        OpChecks.dims("input", x, 4, "[N,C,H,W]");
        int[] s = x.shape();
        int oh = outSize(s[2], kernel, stride, padding);
        int ow = outSize(s[3], kernel, stride, padding);
        int[] argmax = new int[s[0] * s[1] * oh * ow];
        double[] y = forward(HostDoubles.read(x), s[0] * s[1], s[2], s[3], kernel, stride, padding, argmax);
        return new Pooled(HostDoubles.of(y, x.dtype(), s[0], s[1], oh, ow), Tensor.ofInts(argmax, s[0], s[1], oh,
                ow));
    }

    @Override
    public Tensor maxPool2dBackward(Tensor g, Tensor argmax, int[] inputShape, int kernel, int stride,
            int padding) {
        OpChecks.floating("grad_output", g);
        OpChecks.nchw("input_shape", inputShape);
        OpChecks.dtype("argmax", argmax, DType.I32);
        int[] s = inputShape;
        int oh = outSize(s[2], kernel, stride, padding);
        int ow = outSize(s[3], kernel, stride, padding);
        return HostDoubles.of(backward(HostDoubles.read(g), argmax.ints(), s[0] * s[1], s[2], s[3], oh, ow),
                g.dtype(), s);
    }

    static int outSize(int in, int k, int s, int p) {
        return MaxPool.outSize(in, k, s, p);
    }

    /** Returns the output; argmax (same length) receives the winning input index within each plane. */
    static double[] forward(double[] x, int planes, int h, int w, int k, int s, int p, int[] argmax) {
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

    static double[] backward(double[] g, int[] argmax, int planes, int h, int w, int oh, int ow) {
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
