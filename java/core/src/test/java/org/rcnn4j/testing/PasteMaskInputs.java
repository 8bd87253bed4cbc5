package org.rcnn4j.testing;

import java.util.SplittableRandom;
import org.rcnn4j.tensor.Tensor;

/** Inputs for the paste_masks tests of both backends: random boxes with hard cases, windows, crops of a paste. */
public final class PasteMaskInputs {
    private PasteMaskInputs() {
    }

    /**
     * Mostly boxes with fractional corners reaching up to 40% past the image; every fifth a special one: sub-pixel,
     * wholly outside, inverted, non-finite or beyond +-2^31.
     */
    public static Tensor boxes(RandomTensors rnd, int k, int h, int w) {
        float[] b = rnd.uniform(-0.4f, 1.4f, k, 4).floats();
        SplittableRandom r = rnd.random();
        for (int i = 0; i < k; i++) {
            float xa = b[4 * i] * w;
            float xb = b[4 * i + 2] * w;
            float ya = b[4 * i + 1] * h;
            float yb = b[4 * i + 3] * h;
            b[4 * i] = Math.min(xa, xb);
            b[4 * i + 2] = Math.max(xa, xb);
            b[4 * i + 1] = Math.min(ya, yb);
            b[4 * i + 3] = Math.max(ya, yb);
            if (i % 5 == 4) {
                float x = (float) (r.nextDouble() * w);
                float y = (float) (r.nextDouble() * h);
                float[] special = switch ((i / 5) % 8) {
                    case 0 -> new float[] {x, y, x + 0.6f, y + 0.3f};
                    case 1 -> new float[] {w + 2 + x, y, w + 9 + x, y + 5};
                    case 2 -> new float[] {-x - 12, -y - 9, -x - 3, -y - 2};
                    case 3 -> new float[] {x + 6, y, x, y + 8};
                    case 4 -> new float[] {Float.NaN, y, x, y + 3};
                    case 5 -> new float[] {-1e12f, y, 1e12f, y + 5};
                    case 6 -> new float[] {3e9f, -3e9f, 4e9f, 3e9f};
                    default -> new float[] {x, y, Float.POSITIVE_INFINITY, y + 4};
                };
                System.arraycopy(special, 0, b, 4 * i, 4);
            }
        }
        return Tensor.ofFloats(b, k, 4);
    }

    /**
     * Arbitrary windows (x0, y0, x1, y1) of an h x w image, one per mask: random ones, and every few the whole
     * image, an empty one, one touching the right and bottom borders, a single row and a single column.
     */
    public static int[] windows(SplittableRandom r, int k, int h, int w) {
        int[] out = new int[4 * k];
        for (int i = 0; i < k; i++) {
            int x0 = r.nextInt(w + 1);
            int x1 = x0 + r.nextInt(w - x0 + 1);
            int y0 = r.nextInt(h + 1);
            int y1 = y0 + r.nextInt(h - y0 + 1);
            int[] win = switch (i % 6) {
                case 1 -> new int[] {0, 0, w, h};
                case 2 -> new int[] {x0, y0, x0, y1};
                case 3 -> new int[] {x0, y0, w, h};
                case 4 -> new int[] {0, y0, w, Math.min(y0 + 1, h)};
                case 5 -> new int[] {x0, 0, Math.min(x0 + 1, w), h};
                default -> new int[] {x0, y0, x1, y1};
            };
            System.arraycopy(win, 0, out, 4 * i, 4);
        }
        return out;
    }

    /** Window {@code win[4i .. 4i + 4)} of plane i of a full paste [K,1,h,w], row-major. */
    public static float[] crop(float[] full, int i, int h, int w, int[] win) {
        int x0 = win[4 * i];
        int y0 = win[4 * i + 1];
        int cols = win[4 * i + 2] - x0;
        int rows = win[4 * i + 3] - y0;
        float[] out = new float[rows * cols];
        for (int y = 0; y < rows; y++) {
            System.arraycopy(full, i * h * w + (y0 + y) * w + x0, out, y * cols, cols);
        }
        return out;
    }

    /** All windows of a full paste one after another, as pasteMasksInWindows lays them out. */
    public static Tensor crops(Tensor full, int[] win) {
        int k = full.size(0);
        int h = full.size(2);
        int w = full.size(3);
        int total = 0;
        for (int i = 0; i < k; i++) {
            total += (win[4 * i + 2] - win[4 * i]) * (win[4 * i + 3] - win[4 * i + 1]);
        }
        float[] out = new float[total];
        int at = 0;
        for (int i = 0; i < k; i++) {
            float[] c = crop(full.floats(), i, h, w, win);
            System.arraycopy(c, 0, out, at, c.length);
            at += c.length;
        }
        return Tensor.ofFloats(out, total);
    }
}
