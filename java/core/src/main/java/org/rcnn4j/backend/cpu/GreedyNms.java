package org.rcnn4j.backend.cpu;

/**
 * Greedy NMS over boxes already in visiting order (descending score): box j is suppressed when an earlier box
 * that is itself kept has IoU(i, j) > threshold, with torchvision's float32 IoU inter / (area_i + area_j - inter).
 *
 * <p>For a threshold &ge; 0 only overlapping, non-degenerate boxes can suppress each other, so {@link NmsGrid}
 * visits spatial neighbours only; otherwise every later box is tested.
 */
final class GreedyNms {
    private GreedyNms() {
    }

    /** Marks suppressed[0..m) for boxes x1[0..m) ... in visiting order. */
    static void run(float[] x1, float[] y1, float[] x2, float[] y2, int m, float iouThreshold,
            boolean[] suppressed) {
        if (m < 2 || Float.isNaN(iouThreshold)) {
            return; // nothing compares greater than NaN
        }
        float[] area = new float[m];
        for (int i = 0; i < m; i++) {
            area[i] = (x2[i] - x1[i]) * (y2[i] - y1[i]);
        }
        if (iouThreshold >= 0f) {
            NmsGrid.run(x1, y1, x2, y2, area, m, iouThreshold, suppressed);
        } else {
            exhaustive(x1, y1, x2, y2, area, m, iouThreshold, suppressed);
        }
    }

    /** torchvision's test: IoU of boxes i and j, as float32, greater than the threshold. */
    static boolean suppresses(float ix1, float iy1, float ix2, float iy2, float iarea, float jx1, float jy1,
            float jx2, float jy2, float jarea, float iouThreshold) {
        float xx1 = ix1 < jx1 ? jx1 : ix1;
        float yy1 = iy1 < jy1 ? jy1 : iy1;
        float xx2 = jx2 < ix2 ? jx2 : ix2;
        float yy2 = jy2 < iy2 ? jy2 : iy2;
        float dw = xx2 - xx1;
        float dh = yy2 - yy1;
        float w = 0f < dw ? dw : 0f;
        float h = 0f < dh ? dh : 0f;
        float inter = w * h;
        return inter / (iarea + jarea - inter) > iouThreshold;
    }

    /** Every kept box against every live later box, dropping suppressed ones from the live list as it goes. */
    private static void exhaustive(float[] x1, float[] y1, float[] x2, float[] y2, float[] area, int m,
            float iouThreshold, boolean[] suppressed) {
        int[] live = new int[m];
        for (int i = 0; i < m; i++) {
            live[i] = i;
        }
        int liveCount = m;
        for (int head = 0; head < liveCount; head++) {
            int i = live[head];
            float ix1 = x1[i], iy1 = y1[i], ix2 = x2[i], iy2 = y2[i], ia = area[i];
            int out = head + 1;
            for (int k = head + 1; k < liveCount; k++) {
                int j = live[k];
                if (suppresses(ix1, iy1, ix2, iy2, ia, x1[j], y1[j], x2[j], y2[j], area[j], iouThreshold)) {
                    suppressed[j] = true;
                } else {
                    live[out++] = j;
                }
            }
            liveCount = out;
        }
    }
}
