package org.rcnn4j.cli;

import java.util.Arrays;
import org.rcnn4j.tensor.Tensor;

/**
 * Element checks made on host inputs before an op runs, so that bad values become a clear error instead of
 * silently wrong numbers or a kernel reading out of bounds.
 */
final class ValueChecks {
    private ValueChecks() {
    }

    /** Rows of (x1, y1, x2, y2) in the last dimension: finite, not inverted. */
    static void boxes(String name, Tensor t) {
        rows(name, t, 4, 0, -1);
    }

    /** Rows of (batch index, x1, y1, x2, y2): a valid box and a batch index that is an integer in [0, batch). */
    static void rois(String name, Tensor t, int batch) {
        rows(name, t, 5, 1, batch);
    }

    private static void rows(String name, Tensor t, int width, int boxAt, int batch) {
        int n = t.numel() / width;
        for (int r = 0; r < n; r++) {
            int base = r * width;
            for (int j = 0; j < width; j++) {
                double v = t.getDouble(base + j);
                if (!Double.isFinite(v)) {
                    throw new UsageException(name + ": row " + r + " holds " + v + ": " + row(t, base, width));
                }
            }
            if (batch >= 0) {
                double b = t.getDouble(base);
                if (b != Math.rint(b) || b < 0 || b >= batch) {
                    throw new UsageException(name + ": row " + r + " has batch index " + b
                            + ", expected an integer in [0, " + batch + ") (input holds " + batch
                            + " image" + (batch == 1 ? "" : "s") + "): " + row(t, base, width));
                }
            }
            double x1 = t.getDouble(base + boxAt);
            double y1 = t.getDouble(base + boxAt + 1);
            double x2 = t.getDouble(base + boxAt + 2);
            double y2 = t.getDouble(base + boxAt + 3);
            if (x2 < x1 || y2 < y1) {
                throw new UsageException(name + ": box " + r + " is inverted (" + (x2 < x1 ? "x2 < x1" : "y2 < y1")
                        + "), boxes are (x1, y1, x2, y2): " + row(t, base, width));
            }
        }
    }

    private static String row(Tensor t, int base, int width) {
        double[] v = new double[width];
        for (int j = 0; j < width; j++) {
            v[j] = t.getDouble(base + j);
        }
        return Arrays.toString(v);
    }
}
