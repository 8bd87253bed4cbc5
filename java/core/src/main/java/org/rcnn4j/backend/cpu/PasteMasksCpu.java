package org.rcnn4j.backend.cpu;

import java.util.stream.IntStream;
import org.rcnn4j.backend.PasteMasksArgs;
import org.rcnn4j.backend.PasteWindows;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * roi_heads.paste_masks_in_image on the CPU: each mask, zero-padded by {@code padding}, is resized bilinearly
 * (align_corners=False, ATen's upsample_bilinear2d) to its expanded, truncated box and pasted into a zero image.
 *
 * <p>Only the pixels of each box are computed: the output comes zero-filled from its allocation, and the resize
 * is separable, so the horizontal interpolation of each source row is done once per mask and each output row is
 * a blend of two of those rows. Masks are independent and run in parallel.
 *
 * <p>Departures from torchvision 0.14, which fails (or wraps a negative slice end) there: a box whose expanded,
 * truncated extent misses the image, an inverted box (x2 &lt; x1 or y2 &lt; y1) and a box with a non-finite
 * coordinate paste nothing (an all-zero mask). Expanded coordinates beyond &plusmn;2^31 are clamped there.
 */
final class PasteMasksCpu {
    private PasteMasksCpu() {
    }

    static Tensor paste(Tensor masks, Tensor boxes, int imageHeight, int imageWidth, int padding) {
        PasteMasksArgs.check(masks, boxes, imageHeight, imageWidth, padding);
        int k = masks.size(0);
        int m = masks.size(3);
        Tensor out = Tensor.zeros(DType.F32, k, 1, imageHeight, imageWidth);
        if (k == 0 || imageHeight == 0 || imageWidth == 0) {
            return out;
        }
        float[] src = masks.floats();
        float[] bx = boxes.floats();
        float[] dst = out.floats();
        long plane = (long) imageHeight * imageWidth;
        int[] whole = {0, 0, imageWidth, imageHeight};
        IntStream.range(0, k).parallel()
                .forEach(i -> pasteOne(src, i, m, padding, bx, imageHeight, imageWidth, dst, i * plane, whole, 0));
        return out;
    }

    /**
     * The values of the full paste inside one window per mask (x0, y0, x1, y1 in {@code windows}), row-major, one
     * window after another: the same arithmetic as {@link #paste}, pixel by pixel, so the same bits.
     */
    static Tensor pasteInWindows(Tensor masks, Tensor boxes, int imageHeight, int imageWidth, int padding,
            int[] windows) {
        int total = PasteMasksArgs.checkWindows(masks, boxes, imageHeight, imageWidth, padding, windows);
        int k = masks.size(0);
        int m = masks.size(3);
        Tensor out = Tensor.zeros(DType.F32, total);
        long[] offsets = new long[k];
        for (int i = 1; i < k; i++) {
            offsets[i] = offsets[i - 1] + PasteWindows.area(windows, i - 1);
        }
        float[] src = masks.floats();
        float[] bx = boxes.floats();
        float[] dst = out.floats();
        IntStream.range(0, k).parallel().forEach(i -> pasteOne(src, i, m, padding, bx, imageHeight, imageWidth, dst,
                offsets[i], windows, 4 * i));
        return out;
    }

    /**
     * Mask i pasted into the window {@code window[at .. at + 4)} (x0, y0, x1, y1) of the image, which {@code dst}
     * holds row-major from {@code base}; only the pixels of the paste window are written (the rest stays 0).
     */
    private static void pasteOne(float[] src, int i, int m, int padding, float[] bx, int imageHeight, int imageWidth,
            float[] dst, long base, int[] window, int at) {
        long[] b = PasteWindows.expandedBox(bx, i, m, padding);
        if (b == null) {
            return;
        }
        // the resized mask is w x h; output pixel (y, x) reads its element (y - y1, x - x1)
        long w = Math.max(b[2] - b[0] + 1, 1);
        long h = Math.max(b[3] - b[1] + 1, 1);
        int originX = window[at];
        int originY = window[at + 1];
        int stride = window[at + 2] - originX;
        // the paste window, clipped to the image and to the window asked for
        long xaLong = Math.max(Math.max(b[0], 0), originX);
        long xbLong = Math.min(Math.min(b[2] + 1, imageWidth), window[at + 2]);
        long yaLong = Math.max(Math.max(b[1], 0), originY);
        long ybLong = Math.min(Math.min(b[3] + 1, imageHeight), window[at + 3]);
        if (xaLong >= xbLong || yaLong >= ybLong) {
            return;
        }
        // now 0 <= xa < xb <= imageWidth (and likewise for y), so the window fits an int
        int xa = (int) xaLong;
        int xb = (int) xbLong;
        int ya = (int) yaLong;
        int yb = (int) ybLong;
        int mp = m + 2 * padding;
        int cols = xb - xa;
        int rows = yb - ya;
        Axis ax = new Axis(mp, w, b[0], xa, cols);
        Axis ay = new Axis(mp, h, b[1], ya, rows);

        // padded source rows ay.i0[0] .. ay.i1[rows-1], each interpolated along x over the pasted columns
        int r0 = ay.i0[0];
        int r1 = ay.i1[rows - 1];
        float[] hrows = new float[(r1 - r0 + 1) * cols];
        float[] padded = new float[mp];
        int maskBase = i * m * m;
        for (int r = r0; r <= r1; r++) {
            java.util.Arrays.fill(padded, 0f);
            int mr = r - padding;
            if (mr >= 0 && mr < m) {
                System.arraycopy(src, maskBase + mr * m, padded, padding, m);
            }
            int o = (r - r0) * cols;
            for (int j = 0; j < cols; j++) {
                hrows[o + j] = padded[ax.i0[j]] * ax.l0[j] + padded[ax.i1[j]] * ax.l1[j];
            }
        }

        for (int y = 0; y < rows; y++) {
            int t = (ay.i0[y] - r0) * cols;
            int u = (ay.i1[y] - r0) * cols;
            float wy0 = ay.l0[y];
            float wy1 = ay.l1[y];
            int o = (int) (base + (long) (ya + y - originY) * stride + (xa - originX));
            for (int j = 0; j < cols; j++) {
                dst[o + j] = hrows[t + j] * wy0 + hrows[u + j] * wy1;
            }
        }
    }

    /**
     * Source indices and weights along one axis, as ATen's upsample_bilinear2d (align_corners=False) computes
     * them in float: scale = in / out, src = max(scale * (dst + 0.5) - 0.5, 0), i0 = (int) src,
     * i1 = i0 + (i0 &lt; in - 1), l1 = src - i0, l0 = 1 - l1. Only the pasted span [first, first + n) of the
     * image is kept, where image index p is destination index p - boxStart.
     */
    private static final class Axis {
        final int[] i0;
        final int[] i1;
        final float[] l0;
        final float[] l1;

        Axis(int in, long out, long boxStart, int first, int n) {
            i0 = new int[n];
            i1 = new int[n];
            l0 = new float[n];
            l1 = new float[n];
            float scale = (float) in / (float) out;
            for (int j = 0; j < n; j++) {
                float d = (float) (first + j - boxStart);
                float s = Math.max(scale * (d + 0.5f) - 0.5f, 0f);
                int a = (int) s;
                i0[j] = a;
                i1[j] = a + (a < in - 1 ? 1 : 0);
                float lam = s - a;
                l1[j] = lam;
                l0[j] = 1f - lam;
            }
        }
    }
}
