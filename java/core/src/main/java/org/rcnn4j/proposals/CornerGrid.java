package org.rcnn4j.proposals;

import java.util.Arrays;

/**
 * A growing set of boxes {x1, y1, x2, y2} indexed by their top-left corner in a uniform grid, answering "does any
 * box in the set overlap this one with an IoU above t?" without testing every box.
 *
 * <p>Why the corner is enough: if IoU(a, b) > t then the intersection width is at least t times the wider of the
 * two (intersection &ge; t * union &ge; t * area of each box, and intersection height &le; each box's height), so
 * a is at most b's width / t wide, and the left edges differ by at most (1 - t) times the wider width, that is by
 * at most (1 - t) / t times b's width; likewise for the top edges with the heights. Only the cells within that
 * reach of b's corner are visited.
 */
final class CornerGrid {
    /** Cells per side of the extent at most; boxes of proposals are spread over the image, so a coarse grid does. */
    private static final int CELLS_PER_SIDE = 32;

    private final int cell;
    private final int cols;
    private final int rows;
    private final int[][] members;
    private final int[] counts;
    private int[] boxes = new int[64];
    private int size;

    /** For boxes inside [0, width) x [0, height) (corners outside are clamped to the border cells). */
    CornerGrid(int width, int height) {
        int side = Math.max(1, Math.max(width, height));
        cell = Math.max(1, (side + CELLS_PER_SIDE - 1) / CELLS_PER_SIDE);
        cols = Math.max(1, (width + cell - 1) / cell);
        rows = Math.max(1, (height + cell - 1) / cell);
        members = new int[cols * rows][];
        counts = new int[cols * rows];
    }

    int size() {
        return size;
    }

    void add(int[] b) {
        if (4 * size + 4 > boxes.length) {
            boxes = Arrays.copyOf(boxes, 2 * boxes.length);
        }
        System.arraycopy(b, 0, boxes, 4 * size, 4);
        int c = cellOf(col(b[0]), row(b[1]));
        int[] m = members[c];
        if (m == null) {
            m = members[c] = new int[4];
        } else if (counts[c] == m.length) {
            m = members[c] = Arrays.copyOf(m, 2 * m.length);
        }
        m[counts[c]++] = size++;
    }

    /** Whether some box in the set has IoU with b strictly above t, for t in (0, 1]. */
    boolean overlapsAbove(int[] b, double t) {
        // +1: a margin for the rounding of the reach, which may only widen the search
        int reachX = (int) Math.ceil((1 - t) / t * (b[2] - b[0])) + 1;
        int reachY = (int) Math.ceil((1 - t) / t * (b[3] - b[1])) + 1;
        int c0 = col(b[0] - reachX);
        int c1 = col(b[0] + reachX);
        int r0 = row(b[1] - reachY);
        int r1 = row(b[1] + reachY);
        for (int r = r0; r <= r1; r++) {
            for (int c = c0; c <= c1; c++) {
                int cellIndex = cellOf(c, r);
                int[] m = members[cellIndex];
                for (int j = 0, n = counts[cellIndex]; j < n; j++) {
                    if (iou(boxes, 4 * m[j], b) > t) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** IoU of the box at a[o..o+3] and b; both non-empty, so the union is positive. */
    static double iou(int[] a, int o, int[] b) {
        long iw = Math.min(a[o + 2], b[2]) - Math.max(a[o], b[0]);
        long ih = Math.min(a[o + 3], b[3]) - Math.max(a[o + 1], b[1]);
        if (iw <= 0 || ih <= 0) {
            return 0;
        }
        long inter = iw * ih;
        long areaA = (long) (a[o + 2] - a[o]) * (a[o + 3] - a[o + 1]);
        long areaB = (long) (b[2] - b[0]) * (b[3] - b[1]);
        return (double) inter / (areaA + areaB - inter);
    }

    private int col(int x) {
        return Math.min(cols - 1, Math.max(0, x) / cell);
    }

    private int row(int y) {
        return Math.min(rows - 1, Math.max(0, y) / cell);
    }

    private int cellOf(int c, int r) {
        return r * cols + c;
    }
}
