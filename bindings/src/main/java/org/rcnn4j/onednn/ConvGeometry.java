package org.rcnn4j.onednn;

/**
 * One conv2d problem as {@link OneDnn}'s convolutions take it, with torch's semantics: input [n, c, h, w] (NCHW),
 * weights [o, c/groups, kh, kw], output [n, o, outH(), outW()], the same padding on both sides of an axis and
 * dilations counted from 1 (torch's, not oneDNN's).
 */
public record ConvGeometry(int n, int c, int h, int w, int o, int kh, int kw, int strideH, int strideW, int padH,
        int padW, int dilationH, int dilationW, int groups) {

    /**
     * Checks the geometry.
     *
     * @throws IllegalArgumentException naming the first argument out of range, or when the output would be empty
     */
    public ConvGeometry {
        positive("n", n);
        positive("c", c);
        positive("h", h);
        positive("w", w);
        positive("o", o);
        positive("kh", kh);
        positive("kw", kw);
        positive("strideH", strideH);
        positive("strideW", strideW);
        positive("dilationH", dilationH);
        positive("dilationW", dilationW);
        positive("groups", groups);
        if (padH < 0 || padW < 0) {
            throw new IllegalArgumentException("ConvGeometry: padH and padW must be >= 0, got " + padH + ", " + padW);
        }
        if (c % groups != 0 || o % groups != 0) {
            throw new IllegalArgumentException("ConvGeometry: c (" + c + ") and o (" + o
                    + ") must be divisible by groups (" + groups + ")");
        }
        if (extent(h, kh, strideH, padH, dilationH) < 1 || extent(w, kw, strideW, padW, dilationW) < 1) {
            throw new IllegalArgumentException("ConvGeometry: a " + kh + "x" + kw + " kernel (dilation " + dilationH
                    + "," + dilationW + ") does not fit the padded " + h + "x" + w + " input (padding " + padH + ","
                    + padW + ")");
        }
    }

    /** Output rows, as torch computes them. */
    public int outH() {
        return extent(h, kh, strideH, padH, dilationH);
    }

    /** Output columns, as torch computes them. */
    public int outW() {
        return extent(w, kw, strideW, padW, dilationW);
    }

    /** Floats of the input (and of its gradient). */
    public long inputSize() {
        return (long) n * c * h * w;
    }

    /** Floats of the weights (and of their gradient). */
    public long weightSize() {
        return (long) o * (c / groups) * kh * kw;
    }

    /** Floats of the output (and of its gradient). */
    public long outputSize() {
        return (long) n * o * outH() * outW();
    }

    /** The layout onednn_conv.c reads. */
    int[] toArray() {
        return new int[] {n, c, h, w, o, kh, kw, outH(), outW(), strideH, strideW, padH, padW, dilationH, dilationW,
            groups};
    }

    private static int extent(int in, int k, int stride, int pad, int dilation) {
        long span = (long) dilation * (k - 1) + 1;
        long padded = in + 2L * pad;
        return padded < span ? 0 : (int) ((padded - span) / stride + 1);
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException("ConvGeometry: " + name + " must be >= 1, got " + v);
        }
    }
}
