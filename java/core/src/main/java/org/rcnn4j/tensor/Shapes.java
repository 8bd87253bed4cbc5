package org.rcnn4j.tensor;

import java.util.Arrays;

/** Shape arithmetic and shape formatting shared by tensors and argument checks. */
public final class Shapes {
    private Shapes() {
    }

    /** Number of elements; rejects negative extents and products beyond an int. */
    public static int numel(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("shape " + format(shape) + " has a negative extent");
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + format(shape) + " has more than 2^31-1 elements");
            }
        }
        return (int) n;
    }

    /** "[2, 3, 4]" */
    public static String format(int... shape) {
        return Arrays.toString(shape);
    }
}
