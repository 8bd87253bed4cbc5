package org.rcnn4j.nn;

import java.util.stream.IntStream;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * The elementwise, resampling and pooling parts of forward passes, on host F32 NCHW tensors (until the backends
 * grow these ops).
 */
public final class HostOps {
    private HostOps() {
    }

    static float[] hostFloats(Tensor t, String what) {
        if (!t.isHost() || t.dtype() != DType.F32) {
            throw new UnsupportedOperationException(what + " runs on host F32 tensors only (got " + t + ")");
        }
        return t.floats();
    }

    static int[] nchw(Tensor t, String what) {
        if (t.dim() != 4) {
            throw new IllegalArgumentException(what + ": input must be [N,C,H,W], got " + java.util.Arrays.toString(
                    t.shape()));
        }
        return t.shape();
    }

    public static Tensor relu(Tensor x) {
        float[] in = hostFloats(x, "ReLU");
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = in[i] > 0 ? in[i] : (in[i] == in[i] ? 0f : in[i]); // NaN propagates, as torch.relu
        }
        return Tensor.ofFloats(out, x.shape());
    }

    /** a + b, same shapes; {@code relu} applies ReLU to the sum (the residual join of a ResNet block). */
    public static Tensor add(Tensor a, Tensor b, boolean relu) {
        if (!java.util.Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException("add: shapes differ: " + java.util.Arrays.toString(a.shape()) + " and "
                    + java.util.Arrays.toString(b.shape()));
        }
        float[] x = hostFloats(a, "add");
        float[] y = hostFloats(b, "add");
        float[] out = new float[x.length];
        for (int i = 0; i < out.length; i++) {
            float s = x[i] + y[i];
            out[i] = relu && s < 0 ? 0f : s;
        }
        return Tensor.ofFloats(out, a.shape());
    }

    /**
     * F.interpolate(x, size=(outH, outW), mode="nearest"): source index floor(dst * (float) in / out), clamped to
     * in - 1 (ATen's nearest with the scale computed from the sizes, in float).
     */
    public static Tensor interpolateNearest(Tensor x, int outH, int outW) {
        int[] s = nchw(x, "interpolate");
        float[] in = hostFloats(x, "interpolate");
        int h = s[2];
        int w = s[3];
        float sh = (float) h / outH;
        float sw = (float) w / outW;
        int[] srcX = new int[outW];
        for (int ox = 0; ox < outW; ox++) {
            srcX[ox] = Math.min((int) Math.floor(ox * sw), w - 1);
        }
        float[] out = new float[s[0] * s[1] * outH * outW];
        IntStream.range(0, s[0] * s[1]).parallel().forEach(nc -> {
            for (int oy = 0; oy < outH; oy++) {
                int iy = Math.min((int) Math.floor(oy * sh), h - 1);
                int ib = (nc * h + iy) * w;
                int ob = (nc * outH + oy) * outW;
                for (int ox = 0; ox < outW; ox++) {
                    out[ob + ox] = in[ib + srcX[ox]];
                }
            }
        });
        return Tensor.ofFloats(out, s[0], s[1], outH, outW);
    }

    /** y = x * scale[c] + shift[c] over an NCHW tensor. */
    static Tensor affinePerChannel(Tensor x, float[] scale, float[] shift, String what) {
        int[] s = nchw(x, what);
        if (s[1] != scale.length) {
            throw new IllegalArgumentException(what + ": input has " + s[1] + " channels, expected " + scale.length);
        }
        float[] in = hostFloats(x, what);
        float[] out = new float[in.length];
        int hw = s[2] * s[3];
        IntStream.range(0, s[0] * s[1]).parallel().forEach(nc -> {
            int c = nc % s[1];
            float a = scale[c];
            float b = shift[c];
            int base = nc * hw;
            for (int i = base; i < base + hw; i++) {
                out[i] = in[i] * a + b;
            }
        });
        return Tensor.ofFloats(out, s);
    }

    /** Inference batch norm: scale = w / sqrt(var + eps), shift = b - mean * scale, all in float32. */
    static Tensor batchNorm(Tensor x, Tensor weight, Tensor bias, Tensor mean, Tensor var, float eps, String what) {
        float[] w = weight.floats();
        float[] b = bias.floats();
        float[] m = mean.floats();
        float[] v = var.floats();
        float[] scale = new float[w.length];
        float[] shift = new float[w.length];
        for (int c = 0; c < w.length; c++) {
            scale[c] = w[c] * (float) (1.0 / Math.sqrt(v[c] + eps));
            shift[c] = b[c] - m[c] * scale[c];
        }
        return affinePerChannel(x, scale, shift, what);
    }

    /** torch.nn.functional.max_pool2d without dilation or ceil_mode; padding counts as -infinity. */
    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding) {
        int[] s = nchw(x, "MaxPool2d");
        float[] in = hostFloats(x, "MaxPool2d");
        int h = s[2];
        int w = s[3];
        int oh = (h + 2 * padding - kernel) / stride + 1;
        int ow = (w + 2 * padding - kernel) / stride + 1;
        if (oh <= 0 || ow <= 0) {
            throw new IllegalArgumentException("MaxPool2d: input " + h + "x" + w + " is too small for kernel " + kernel);
        }
        float[] out = new float[s[0] * s[1] * oh * ow];
        IntStream.range(0, s[0] * s[1]).parallel().forEach(nc -> {
            int ib = nc * h * w;
            int ob = nc * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                int y0 = oy * stride - padding;
                for (int ox = 0; ox < ow; ox++) {
                    int x0 = ox * stride - padding;
                    float best = Float.NEGATIVE_INFINITY;
                    for (int y = Math.max(y0, 0); y < Math.min(y0 + kernel, h); y++) {
                        for (int xx = Math.max(x0, 0); xx < Math.min(x0 + kernel, w); xx++) {
                            float v = in[ib + y * w + xx];
                            if (v > best || v != v) {
                                best = v;
                            }
                        }
                    }
                    out[ob + oy * ow + ox] = best;
                }
            }
        });
        return Tensor.ofFloats(out, s[0], s[1], oh, ow);
    }
}
