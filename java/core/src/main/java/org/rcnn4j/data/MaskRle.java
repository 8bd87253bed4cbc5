package org.rcnn4j.data;

import java.util.ArrayList;
import java.util.List;

/**
 * COCO's uncompressed run-length encoding of a binary mask: pixels in column-major order (down each column, then
 * the next column), run lengths alternating 0s and 1s, starting with a run of 0s (possibly of length 0).
 */
public final class MaskRle {
    private MaskRle() {
    }

    /** Encodes plane {@code index} of a row-major [.., h, w] U8 mask array (nonzero = inside). */
    public static List<Long> encode(byte[] masks, int index, int h, int w) {
        List<Long> counts = new ArrayList<>();
        int base = index * h * w;
        boolean current = false;
        long run = 0;
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) {
                boolean in = masks[base + y * w + x] != 0;
                if (in != current) {
                    counts.add(run);
                    run = 0;
                    current = in;
                }
                run++;
            }
        }
        counts.add(run);
        return counts;
    }

    /** Decodes counts to a row-major [h, w] mask of 0/1 bytes; the counts must cover exactly h * w pixels. */
    public static byte[] decode(List<? extends Number> counts, int h, int w) {
        byte[] mask = new byte[h * w];
        long pos = 0;
        long total = (long) h * w;
        for (int i = 0; i < counts.size(); i++) {
            long n = counts.get(i).longValue();
            if (n < 0 || pos + n > total) {
                throw new IllegalArgumentException("RLE counts overrun the " + h + "x" + w + " mask at run " + i);
            }
            if (i % 2 == 1) {
                for (long p = pos; p < pos + n; p++) {
                    int x = (int) (p / h);
                    int y = (int) (p % h);
                    mask[y * w + x] = 1;
                }
            }
            pos += n;
        }
        if (pos != total) {
            throw new IllegalArgumentException("RLE counts cover " + pos + " pixels, the mask has " + total);
        }
        return mask;
    }
}
