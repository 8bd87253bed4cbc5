package org.rcnn4j.backend;

import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * Where {@link Roi#pasteMasks} writes each mask: its paste window [y0, y1) x [x0, x1), the box expanded by
 * {@code (M + 2 padding) / M} (expand_boxes in float32, each product and sum rounded on its own, as torch's separate
 * ops round them), truncated to int64 and clipped to the image. Outside its window a pasted mask is 0, so a mask is
 * known from its window's values alone ({@link Roi#pasteMasksInWindows}). Both backends' pastes use this geometry.
 */
public final class PasteWindows {
    /** Expanded box corners are clamped to this magnitude before truncation, so extents fit a long. */
    private static final float COORD_LIMIT = 2147483648f;

    private PasteWindows() {
    }

    /**
     * The box of mask i after expand_boxes and the cast to int64: {x1, y1, x2, y2} (inclusive), or null when it
     * pastes nothing (a non-finite coordinate). Corners beyond &plusmn;2^31 are clamped there.
     *
     * @param boxes F32 boxes, 4 per mask (x1, y1, x2, y2)
     */
    public static long[] expandedBox(float[] boxes, int i, int maskSize, int padding) {
        // torchvision: scale = float(M + 2p) / M in double, used as a float32 scalar against float32 boxes
        float scale = (float) ((double) (maskSize + 2 * padding) / maskSize);
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

    /**
     * The paste window of mask i as {x0, y0, x1, y1} (half-open, inside the image), or null when the mask pastes
     * nothing (a non-finite, inverted or outside box).
     */
    public static int[] window(float[] boxes, int i, int maskSize, int padding, int imageHeight, int imageWidth) {
        long[] b = expandedBox(boxes, i, maskSize, padding);
        if (b == null) {
            return null;
        }
        long xa = Math.max(b[0], 0);
        long xb = Math.min(b[2] + 1, imageWidth);
        long ya = Math.max(b[1], 0);
        long yb = Math.min(b[3] + 1, imageHeight);
        if (xa >= xb || ya >= yb) {
            return null;
        }
        return new int[] {(int) xa, (int) ya, (int) xb, (int) yb};
    }

    /**
     * Every mask's paste window, 4 ints each (x0, y0, x1, y1), an empty window (0, 0, 0, 0) for a mask that pastes
     * nothing: the windows {@link Roi#pasteMasksInWindows} takes.
     *
     * @param boxes host F32 [K, 4], the boxes the masks are pasted at
     */
    public static int[] of(Tensor boxes, int maskSize, int padding, int imageHeight, int imageWidth) {
        OpChecks.rows("boxes", boxes, 4);
        OpChecks.dtype("boxes", boxes, DType.F32);
        if (maskSize < 1) {
            throw new IllegalArgumentException("maskSize: expected >= 1, got " + maskSize);
        }
        OpChecks.nonNegative("padding", padding);
        OpChecks.nonNegative("imageHeight", imageHeight);
        OpChecks.nonNegative("imageWidth", imageWidth);
        float[] b = boxes.floats();
        int k = boxes.size(0);
        int[] out = new int[4 * k];
        for (int i = 0; i < k; i++) {
            int[] w = window(b, i, maskSize, padding, imageHeight, imageWidth);
            if (w != null) {
                System.arraycopy(w, 0, out, 4 * i, 4);
            }
        }
        return out;
    }

    /** The pixels of window i of {@code windows} (4 ints each). */
    public static long area(int[] windows, int i) {
        return (long) (windows[4 * i + 2] - windows[4 * i]) * (windows[4 * i + 3] - windows[4 * i + 1]);
    }

    /**
     * Checks windows for {@code k} masks of an imageHeight x imageWidth image (4 ints each,
     * {@code 0 <= x0 <= x1 <= imageWidth, 0 <= y0 <= y1 <= imageHeight}) and returns their pixels together, which
     * must fit one tensor.
     */
    public static int checkedTotal(int[] windows, int k, int imageHeight, int imageWidth) {
        OpChecks.notNull("windows", windows);
        if (windows.length != 4L * k) {
            throw new IllegalArgumentException("windows: expected 4 ints per mask (" + 4L * k + "), got "
                    + windows.length);
        }
        long total = 0;
        for (int i = 0; i < k; i++) {
            int x0 = windows[4 * i];
            int y0 = windows[4 * i + 1];
            int x1 = windows[4 * i + 2];
            int y1 = windows[4 * i + 3];
            if (x0 < 0 || x0 > x1 || x1 > imageWidth || y0 < 0 || y0 > y1 || y1 > imageHeight) {
                throw new IllegalArgumentException("windows: window " + i + " (x0, y0, x1, y1) = (" + x0 + ", " + y0
                        + ", " + x1 + ", " + y1 + ") is not inside the " + imageWidth + "x" + imageHeight
                        + " image with x0 <= x1 and y0 <= y1");
            }
            total += area(windows, i);
        }
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("windows: " + total + " pixels together, more than one tensor holds "
                    + "(2^31-17): paste fewer masks at a time");
        }
        return (int) total;
    }
}
