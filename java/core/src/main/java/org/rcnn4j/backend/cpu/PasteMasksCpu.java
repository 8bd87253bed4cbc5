package org.rcnn4j.backend.cpu;

import java.util.stream.IntStream;
import org.rcnn4j.backend.PasteMasksArgs;
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
    /** Expanded box corners are clamped to this magnitude before truncation, so extents fit a long. */
    private static final float COORD_LIMIT = 2147483648f;

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
        IntStream.range(0, k).parallel()
                .forEach(i -> pasteOne(src, i, m, padding, bx, dst, imageHeight, imageWidth));
        return out;
    }

    /**
     * The box of mask i after expand_boxes and the cast to int64: {x1, y1, x2, y2}, or null when it pastes
     * nothing (a non-finite coordinate).
     */
    static long[] expandedBox(float[] boxes, int i, int m, int padding) {
        // torchvision: scale = float(M + 2p) / M in double, used as a float32 scalar against float32 boxes
        float scale = (float) ((double) (m + 2 * padding) / m);
        float x1 = boxes[4 * i];
        float y1 = boxes[4 * i + 1];
        float x2 = boxes[4 * i + 2];
        float y2 = boxes[4 * i + 3];
        float wHalf = (x2 - x1) * 0.5f * scale;
        float hHalf = (y2 - y1) * 0.5f * scale;
        float xc = (x2 + x1) * 0.5f;
        float yc = (y2 + y1) * 0.5f;
        float[] e = {xc - wHalf, yc - hHalf, xc + wHalf, yc + hHalf};
        long[] r = new long[4];
        for (int j = 0; j < 4; j++) {
            if (!Float.isFinite(e[j])) {
                return null;
            }
            r[j] = (long) Math.max(-COORD_LIMIT, Math.min(COORD_LIMIT, e[j]));
        }
        return r;
    }

    private static void pasteOne(float[] src, int i, int m, int padding, float[] bx, float[] dst, int imageHeight,
            int imageWidth) {
        long[] b = expandedBox(bx, i, m, padding);
        if (b == null) {
            return;
        }
        // the resized mask is w x h; output pixel (y, x) reads its element (y - y1, x - x1)
        long w = Math.max(b[2] - b[0] + 1, 1);
        long h = Math.max(b[3] - b[1] + 1, 1);
        long xaLong = Math.max(b[0], 0);
        long xbLong = Math.min(b[2] + 1, imageWidth);
        long yaLong = Math.max(b[1], 0);
        long ybLong = Math.min(b[3] + 1, imageHeight);
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

        long plane = (long) imageHeight * imageWidth;
        for (int y = 0; y < rows; y++) {
            int t = (ay.i0[y] - r0) * cols;
            int u = (ay.i1[y] - r0) * cols;
            float wy0 = ay.l0[y];
            float wy1 = ay.l1[y];
            int o = (int) (i * plane + (long) (ya + y) * imageWidth + xa);
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
