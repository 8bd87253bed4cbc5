package org.rcnn4j.coco;

import java.util.Arrays;

/**
 * A binary mask of h x w pixels as COCO run-length encoding: counts alternate runs of 0s and 1s, starting with
 * 0s, over the pixels in column-major order (x outer, y inner), as pycocotools' maskApi stores them.
 */
public final class Rle {
    private final int h;
    private final int w;
    private final int[] counts;

    public Rle(int h, int w, int[] counts) {
        if (h < 0 || w < 0) {
            throw new IllegalArgumentException("RLE size must be non-negative, got [" + h + ", " + w + "]");
        }
        long total = 0;
        for (int c : counts) {
            if (c < 0) {
                throw new IllegalArgumentException("RLE counts must be non-negative, got " + c);
            }
            total += c;
        }
        if (total != (long) h * w) {
            throw new IllegalArgumentException("RLE counts sum to " + total + " but the mask has " + h + "x" + w
                    + " = " + (long) h * w + " pixels");
        }
        this.h = h;
        this.w = w;
        this.counts = counts.clone();
    }

    public int height() {
        return h;
    }

    public int width() {
        return w;
    }

    public int[] counts() {
        return counts.clone();
    }

    int count(int i) {
        return counts[i];
    }

    int runs() {
        return counts.length;
    }

    /** Encodes a mask given column-major (index x * h + y), nonzero = foreground. */
    public static Rle encode(byte[] columnMajor, int h, int w) {
        if (columnMajor.length != h * w) {
            throw new IllegalArgumentException("mask has " + columnMajor.length + " pixels, expected " + h * w);
        }
        Runs runs = new Runs();
        for (byte b : columnMajor) {
            runs.add(b != 0, 1);
        }
        return new Rle(h, w, runs.finish());
    }

    /**
     * Encodes an h x w mask that is 0 outside the window [y0, y1) x [x0, x1) and {@code window} (row-major, (y1 - y0)
     * x (x1 - x0), nonzero = foreground) inside it: the same RLE as {@link #encode} of the full mask, without ever
     * making it (a large photo's masks kept at their paste windows).
     */
    public static Rle encodeWindow(int h, int w, int x0, int y0, int x1, int y1, byte[] window) {
        if (h < 0 || w < 0 || (long) h * w > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("RLE size must be non-negative and at most 2^31-1 pixels, got [" + h
                    + ", " + w + "]");
        }
        if (x0 < 0 || x0 > x1 || x1 > w || y0 < 0 || y0 > y1 || y1 > h) {
            throw new IllegalArgumentException("window (x0, y0, x1, y1) = (" + x0 + ", " + y0 + ", " + x1 + ", " + y1
                    + ") is not inside the " + w + "x" + h + " mask");
        }
        int cols = x1 - x0;
        int rows = y1 - y0;
        if (window == null || window.length != rows * cols) {
            throw new IllegalArgumentException("window: expected " + rows * cols + " pixels ((y1 - y0) x (x1 - x0)), "
                    + "got " + (window == null ? "null" : window.length));
        }
        Runs runs = new Runs();
        runs.add(false, (long) x0 * h); // the columns left of the window
        for (int x = 0; x < cols; x++) {
            runs.add(false, y0);
            for (int y = 0; y < rows; y++) {
                runs.add(window[y * cols + x] != 0, 1);
            }
            runs.add(false, h - y1);
        }
        runs.add(false, (long) (w - x1) * h); // the columns right of it
        return new Rle(h, w, runs.finish());
    }

    /**
     * Alternating runs, 0s first (a leading 0 when the mask starts with a 1), built from pieces of either value: the
     * counts of {@link #encode} and {@link #encodeWindow}, grown as needed rather than sized for the worst case.
     */
    private static final class Runs {
        private int[] counts = new int[16];
        private int n;
        private boolean value;
        private long run;

        void add(boolean v, long length) {
            if (length == 0) {
                return;
            }
            if (v != value) {
                push();
                value = v;
                run = 0;
            }
            run += length;
        }

        private void push() {
            if (n == counts.length) {
                counts = Arrays.copyOf(counts, 2 * n);
            }
            counts[n++] = (int) run;
        }

        int[] finish() {
            push();
            return Arrays.copyOf(counts, n);
        }
    }

    /** The mask column-major (index x * h + y), 1 = foreground. */
    public byte[] decode() {
        byte[] mask = new byte[h * w];
        int p = 0;
        for (int i = 0; i < counts.length; i++) {
            if ((i & 1) == 1) {
                Arrays.fill(mask, p, p + counts[i], (byte) 1);
            }
            p += counts[i];
        }
        return mask;
    }

    /** The foreground pixel count: the sum of the odd runs. */
    public long area() {
        long a = 0;
        for (int i = 1; i < counts.length; i += 2) {
            a += counts[i];
        }
        return a;
    }

    /** pycocotools' rleToBbox: [x, y, w, h] of the foreground, zeros when empty. */
    public double[] toBbox() {
        int m = (counts.length / 2) * 2;
        if (m == 0) {
            return new double[4];
        }
        long xs = w;
        long ys = h;
        long xe = 0;
        long ye = 0;
        long cc = 0;
        long xp = 0;
        for (int j = 0; j < m; j++) {
            cc += counts[j];
            long t = cc - (j % 2);
            long y = t % h;
            long x = (t - y) / h;
            if (j % 2 == 0) {
                xp = x;
            } else if (xp < x) { // the run wraps to a new column: it covers every row
                ys = 0;
                ye = h - 1;
            }
            xs = Math.min(xs, x);
            xe = Math.max(xe, x);
            ys = Math.min(ys, y);
            ye = Math.max(ye, y);
        }
        return new double[] {xs, ys, xe - xs + 1, ye - ys + 1};
    }

    /** COCO's compressed counts: LEB128-like, 5 bits per char (ascii 48..111), runs past the second as deltas. */
    public String toCocoString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < counts.length; i++) {
            long x = counts[i];
            if (i > 2) {
                x -= counts[i - 2];
            }
            boolean more = true;
            while (more) {
                int c = (int) (x & 0x1f);
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) {
                    c |= 0x20;
                }
                sb.append((char) (c + 48));
            }
        }
        return sb.toString();
    }

    /** Decodes {@link #toCocoString()}'s format; malformed text is an IllegalArgumentException. */
    public static Rle fromCocoString(String s, int h, int w) {
        int[] cnts = new int[s.length()];
        int m = 0;
        int p = 0;
        while (p < s.length()) {
            long x = 0;
            int k = 0;
            boolean more = true;
            while (more) {
                if (p >= s.length()) {
                    throw new IllegalArgumentException("compressed RLE counts end inside a number");
                }
                int c = s.charAt(p) - 48;
                if (c < 0 || c > 63) {
                    throw new IllegalArgumentException("compressed RLE counts hold '"
                            + org.rcnn4j.io.json.Json.printable(String.valueOf(s.charAt(p))) + "' at " + p
                            + " (expected characters '0'..'o')");
                }
                if (k > 12) {
                    throw new IllegalArgumentException("compressed RLE counts hold a number too long at " + p);
                }
                x |= (long) (c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0) {
                    x |= -1L << (5 * k);
                }
            }
            if (m > 2) {
                x += cnts[m - 2];
            }
            if (x < 0 || x > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("compressed RLE counts decode to run " + x + " (run " + m + ")");
            }
            cnts[m++] = (int) x;
        }
        return new Rle(h, w, Arrays.copyOf(cnts, m));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Rle r && r.h == h && r.w == w && Arrays.equals(r.counts, counts);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * h + w) + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "Rle[" + h + "x" + w + ", counts=" + Arrays.toString(counts) + "]";
    }
}
