package org.rcnn4j.detector;

import org.rcnn4j.coco.Rle;
import org.rcnn4j.detection.MaskCrop;

/**
 * One instance's mask in its image's pixels: a bitmap of {@code height} x {@code width}, row-major, set where
 * torchvision's pasted mask probability is at least the threshold (0.5 by default, as torchvision's users
 * threshold {@code masks > 0.5}).
 */
public final class BinaryMask {
    private final int height;
    private final int width;
    private final long[] bits;

    private BinaryMask(int height, int width, long[] bits) {
        this.height = height;
        this.width = width;
        this.bits = bits;
    }

    /** The pixels of {@code probabilities[offset .. offset + height*width)} (row-major) at least {@code threshold}. */
    static BinaryMask threshold(float[] probabilities, int offset, int height, int width, float threshold) {
        long n = (long) height * width;
        long[] bits = new long[(int) ((n + 63) >>> 6)];
        for (int i = 0; i < n; i++) {
            if (probabilities[offset + i] >= threshold) {
                bits[i >>> 6] |= 1L << i;
            }
        }
        return new BinaryMask(height, width, bits);
    }

    /** The nonzero pixels of {@code mask[offset .. offset + height*width)} (row-major, U8 0/1). */
    static BinaryMask of(byte[] mask, int offset, int height, int width) {
        long n = (long) height * width;
        long[] bits = new long[(int) ((n + 63) >>> 6)];
        for (int i = 0; i < n; i++) {
            if (mask[offset + i] != 0) {
                bits[i >>> 6] |= 1L << i;
            }
        }
        return new BinaryMask(height, width, bits);
    }

    /** The full image's bitmap of a binary mask kept at its window (U8, nonzero inside; 0 outside the window). */
    static BinaryMask of(MaskCrop crop) {
        int height = crop.imageHeight();
        int width = crop.imageWidth();
        long n = (long) height * width;
        long[] bits = new long[(int) ((n + 63) >>> 6)];
        byte[] v = crop.values().bytes();
        int cols = crop.width();
        for (int y = 0; y < crop.height(); y++) {
            for (int x = 0; x < cols; x++) {
                if (v[y * cols + x] != 0) {
                    long i = (long) (crop.y0() + y) * width + crop.x0() + x;
                    bits[(int) (i >>> 6)] |= 1L << i;
                }
            }
        }
        return new BinaryMask(height, width, bits);
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** Whether pixel (x, y) belongs to the instance. */
    public boolean get(int x, int y) {
        if (x < 0 || x >= width || y < 0 || y >= height) {
            throw new IndexOutOfBoundsException("pixel (" + x + ", " + y + ") outside " + width + "x" + height);
        }
        int i = y * width + x;
        return (bits[i >>> 6] >>> i & 1L) != 0;
    }

    /** The number of pixels set. */
    public long area() {
        long a = 0;
        for (long w : bits) {
            a += Long.bitCount(w);
        }
        return a;
    }

    /** COCO's run-length encoding (column-major counts, as pycocotools' mask.encode). */
    public Rle toRle() {
        byte[] columnMajor = new byte[height * width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (get(x, y)) {
                    columnMajor[x * height + y] = 1;
                }
            }
        }
        return Rle.encode(columnMajor, height, width);
    }
}
