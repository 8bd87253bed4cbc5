package org.rcnn4j.backend.cpu;

import java.util.stream.IntStream;

/**
 * Greedy NMS for a threshold &ge; 0, visiting only spatial neighbours. Two facts make this exact:
 * <ul>
 * <li>IoU &gt; t &ge; 0 needs a positive intersection, so only boxes with finite coordinates, positive width and
 * height and a finite area ("eligible") can suppress or be suppressed, and their centres are closer than the
 * mean of their widths (heights);</li>
 * <li>the IoU of two boxes is at most the IoU of their x intervals (and of their y intervals), which bounds how
 * far apart the centres of boxes with IoU &gt; t can be (see {@link #reach}). The float32 IoU differs from the
 * exact one by far less than the slack allowed here.</li>
 * </ul>
 * Box centres are binned into a uniform grid; each kept box scans the cells its reach covers and compacts them,
 * dropping suppressed and already visited boxes, so later scans only see live ones.
 */
final class NmsGrid {
    /** Relative slack on the threshold: float32 IoU is within ~1e-6 of the exact value. */
    private static final double THRESHOLD_SLACK = 1e-3;
    /** Below this threshold only the overlap bounds the reach. */
    private static final float REACH_BOUND_MIN_THRESHOLD = 0.01f;
    /** Below this area the float32 IoU can be far from the exact one (subnormal products): overlap only. */
    private static final float REACH_BOUND_MIN_AREA = 1e-30f;
    /** Live boxes in one kept box's reach above which its rows of cells are scanned in parallel. */
    private static final int PARALLEL_MIN_CANDIDATES = 1 << 15;
    private static final int SMALL = 48;
    private static final int BOXES_PER_CELL = 4;
    private static final int MAX_CELLS_PER_AXIS = 4096;

    private final float iouThreshold;
    private final boolean useIouReach;
    private final boolean[] suppressed;
    private final int cellsX;
    private final int cellsY;
    private final double minCx;
    private final double minCy;
    private final double cellsPerUnitX;
    private final double cellsPerUnitY;
    private final double maxW;
    private final double maxH;
    /** Cell c holds entries start[c] .. start[c] + live[c] - 1, in visiting order. */
    private final int[] start;
    private final int[] live;
    private final int[] pos;
    private final float[] ex1;
    private final float[] ey1;
    private final float[] ex2;
    private final float[] ey2;
    private final float[] earea;
    private final int eligibleCount;

    static void run(float[] x1, float[] y1, float[] x2, float[] y2, float[] area, int m, float iouThreshold,
            boolean[] suppressed) {
        boolean[] eligible = new boolean[m];
        int count = 0;
        for (int i = 0; i < m; i++) {
            boolean ok = x2[i] - x1[i] > 0f && y2[i] - y1[i] > 0f && Float.isFinite(x1[i]) && Float.isFinite(y1[i])
                    && Float.isFinite(x2[i]) && Float.isFinite(y2[i]) && Float.isFinite(area[i]);
            eligible[i] = ok;
            if (ok) {
                count++;
            }
        }
        if (count < 2) {
            return;
        }
        if (count <= SMALL) {
            small(x1, y1, x2, y2, area, m, eligible, iouThreshold, suppressed);
            return;
        }
        NmsGrid grid = new NmsGrid(x1, y1, x2, y2, area, m, eligible, count, iouThreshold, suppressed);
        for (int p = 0; p < m; p++) {
            if (eligible[p] && !suppressed[p]) {
                grid.suppressAround(p, x1[p], y1[p], x2[p], y2[p], area[p]);
            }
        }
    }

    /** Few eligible boxes: each kept one against every later eligible one. */
    private static void small(float[] x1, float[] y1, float[] x2, float[] y2, float[] area, int m,
            boolean[] eligible, float iouThreshold, boolean[] suppressed) {
        for (int i = 0; i < m; i++) {
            if (!eligible[i] || suppressed[i]) {
                continue;
            }
            for (int j = i + 1; j < m; j++) {
                if (eligible[j] && !suppressed[j] && GreedyNms.suppresses(x1[i], y1[i], x2[i], y2[i], area[i],
                        x1[j], y1[j], x2[j], y2[j], area[j], iouThreshold)) {
                    suppressed[j] = true;
                }
            }
        }
    }

    private NmsGrid(float[] x1, float[] y1, float[] x2, float[] y2, float[] area, int m, boolean[] eligible,
            int count, float iouThreshold, boolean[] suppressed) {
        this.iouThreshold = iouThreshold;
        this.suppressed = suppressed;
        this.eligibleCount = count;
        double loX = Double.POSITIVE_INFINITY, hiX = Double.NEGATIVE_INFINITY;
        double loY = Double.POSITIVE_INFINITY, hiY = Double.NEGATIVE_INFINITY;
        double mw = 0, mh = 0;
        float minArea = Float.POSITIVE_INFINITY;
        for (int i = 0; i < m; i++) {
            if (!eligible[i]) {
                continue;
            }
            minArea = Math.min(minArea, area[i]);
            double cx = centre(x1[i], x2[i]);
            double cy = centre(y1[i], y2[i]);
            loX = Math.min(loX, cx);
            hiX = Math.max(hiX, cx);
            loY = Math.min(loY, cy);
            hiY = Math.max(hiY, cy);
            mw = Math.max(mw, (double) x2[i] - x1[i]);
            mh = Math.max(mh, (double) y2[i] - y1[i]);
        }
        this.useIouReach = iouThreshold >= REACH_BOUND_MIN_THRESHOLD && minArea >= REACH_BOUND_MIN_AREA;
        this.minCx = loX;
        this.minCy = loY;
        this.maxW = mw;
        this.maxH = mh;
        double extX = hiX - loX, extY = hiY - loY;
        double cells = Math.max(1.0, (double) count / BOXES_PER_CELL);
        int nx, ny;
        if (!(extX > 0) && !(extY > 0)) {
            nx = ny = 1;
        } else if (!(extY > 0)) {
            nx = (int) Math.min(cells, MAX_CELLS_PER_AXIS);
            ny = 1;
        } else if (!(extX > 0)) {
            nx = 1;
            ny = (int) Math.min(cells, MAX_CELLS_PER_AXIS);
        } else {
            double aspect = extX / extY;
            nx = (int) Math.max(1, Math.min(MAX_CELLS_PER_AXIS, Math.round(Math.sqrt(cells * aspect))));
            ny = (int) Math.max(1, Math.min(MAX_CELLS_PER_AXIS, Math.round(cells / nx)));
        }
        this.cellsX = nx;
        this.cellsY = ny;
        this.cellsPerUnitX = extX > 0 ? nx / extX : 0;
        this.cellsPerUnitY = extY > 0 ? ny / extY : 0;

        int[] cellOf = new int[m];
        int[] counts = new int[nx * ny + 1];
        for (int i = 0; i < m; i++) {
            if (eligible[i]) {
                int c = cellY(centre(y1[i], y2[i])) * nx + cellX(centre(x1[i], x2[i]));
                cellOf[i] = c;
                counts[c + 1]++;
            } else {
                cellOf[i] = -1;
            }
        }
        this.start = new int[nx * ny];
        this.live = new int[nx * ny];
        int running = 0;
        for (int c = 0; c < nx * ny; c++) {
            start[c] = running;
            live[c] = counts[c + 1];
            running += counts[c + 1];
        }
        this.pos = new int[count];
        this.ex1 = new float[count];
        this.ey1 = new float[count];
        this.ex2 = new float[count];
        this.ey2 = new float[count];
        this.earea = new float[count];
        int[] fill = new int[nx * ny];
        for (int i = 0; i < m; i++) {
            int c = cellOf[i];
            if (c >= 0) {
                int e = start[c] + fill[c]++;
                pos[e] = i;
                ex1[e] = x1[i];
                ey1[e] = y1[i];
                ex2[e] = x2[i];
                ey2[e] = y2[i];
                earea[e] = area[i];
            }
        }
    }

    private static double centre(float lo, float hi) {
        return 0.5 * ((double) lo + (double) hi);
    }

    private int cellX(double cx) {
        int c = (int) Math.floor((cx - minCx) * cellsPerUnitX);
        return c < 0 ? 0 : Math.min(c, cellsX - 1);
    }

    private int cellY(double cy) {
        int c = (int) Math.floor((cy - minCy) * cellsPerUnitY);
        return c < 0 ? 0 : Math.min(c, cellsY - 1);
    }

    /**
     * How far (along one axis) the centre of a box that box p, of extent {@code side} on that axis, suppresses
     * can lie from p's centre: the intervals overlap, so less than (side + maxSide) / 2; and the 1-D IoU of the
     * intervals bounds the box IoU from above, so IoU &gt; t needs |lo_p - lo_q| + |hi_p - hi_q| &lt;
     * side (1 - t) / t, hence a centre distance below side (1 - t) / (2t).
     */
    private double reach(double side, double maxSide) {
        double r = 0.5 * (side + maxSide);
        if (useIouReach) {
            double t = iouThreshold * (1 - THRESHOLD_SLACK);
            r = Math.min(r, side * (1 - t) / (2 * t));
        }
        return r * (1 + 1e-6);
    }

    /** Box p (kept, eligible) suppresses its live neighbours visited after it. */
    private void suppressAround(int p, float px1, float py1, float px2, float py2, float parea) {
        double w = (double) px2 - px1, h = (double) py2 - py1;
        double cx = centre(px1, px2), cy = centre(py1, py2);
        double rx = reach(w, maxW), ry = reach(h, maxH);
        int cxLo = cellX(cx - rx), cxHi = cellX(cx + rx);
        int cyLo = cellY(cy - ry), cyHi = cellY(cy + ry);
        if (cyHi > cyLo && liveInWindow(cxLo, cxHi, cyLo, cyHi) >= PARALLEL_MIN_CANDIDATES) {
            IntStream.rangeClosed(cyLo, cyHi).parallel()
                    .forEach(row -> scanRow(row, cxLo, cxHi, p, px1, py1, px2, py2, parea));
        } else {
            for (int row = cyLo; row <= cyHi; row++) {
                scanRow(row, cxLo, cxHi, p, px1, py1, px2, py2, parea);
            }
        }
    }

    private long liveInWindow(int cxLo, int cxHi, int cyLo, int cyHi) {
        if (eligibleCount < PARALLEL_MIN_CANDIDATES) {
            return 0;
        }
        long sum = 0;
        for (int row = cyLo; row <= cyHi; row++) {
            for (int c = row * cellsX + cxLo, end = row * cellsX + cxHi; c <= end; c++) {
                sum += live[c];
            }
        }
        return sum;
    }

    private void scanRow(int row, int cxLo, int cxHi, int p, float px1, float py1, float px2, float py2,
            float parea) {
        float t = iouThreshold;
        for (int c = row * cellsX + cxLo, end = row * cellsX + cxHi; c <= end; c++) {
            int s = start[c];
            int n = live[c];
            int out = s;
            for (int e = s; e < s + n; e++) {
                int q = pos[e];
                if (q <= p) {
                    continue; // p itself, or a kept box visited before p: never needed again
                }
                float qx1 = ex1[e], qy1 = ey1[e], qx2 = ex2[e], qy2 = ey2[e], qa = earea[e];
                if (GreedyNms.suppresses(px1, py1, px2, py2, parea, qx1, qy1, qx2, qy2, qa, t)) {
                    suppressed[q] = true;
                    continue;
                }
                if (out != e) {
                    pos[out] = q;
                    ex1[out] = qx1;
                    ey1[out] = qy1;
                    ex2[out] = qx2;
                    ey2[out] = qy2;
                    earea[out] = qa;
                }
                out++;
            }
            live[c] = out - s;
        }
    }
}
