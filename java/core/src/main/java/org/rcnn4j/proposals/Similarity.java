package org.rcnn4j.proposals;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** Selective search's region similarities; a strategy sums a subset of them (each in [0, 1]). */
public enum Similarity {
    COLOUR, TEXTURE, SIZE, FILL;

    /** Histogram intersection over the first n entries of a at offA and b at offB. */
    public static double intersection(float[] a, int offA, float[] b, int offB, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.min(a[offA + i], b[offB + i]);
        }
        return s;
    }

    /** 1 - (size_i + size_j) / size_im: small regions merge first. */
    public static double size(long sizeI, long sizeJ, long imageSize) {
        return 1.0 - (double) (sizeI + sizeJ) / imageSize;
    }

    /** 1 - (BB_ij - size_i - size_j) / size_im, BB_ij the area of the box around both: regions that fill gaps. */
    public static double fill(long boxArea, long sizeI, long sizeJ, long imageSize) {
        return 1.0 - (double) (boxArea - sizeI - sizeJ) / imageSize;
    }

    /** Parses a combination such as "CTSF" or "TSF" (letters C, T, S, F). */
    public static Set<Similarity> parse(String letters) {
        EnumSet<Similarity> s = EnumSet.noneOf(Similarity.class);
        for (char c : letters.toUpperCase(Locale.ROOT).toCharArray()) {
            switch (c) {
                case 'C' -> s.add(COLOUR);
                case 'T' -> s.add(TEXTURE);
                case 'S' -> s.add(SIZE);
                case 'F' -> s.add(FILL);
                default -> throw new IllegalArgumentException("similarity: unknown letter '" + c + "' in '"
                        + letters + "' (expected C, T, S, F)");
            }
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException("similarity: empty combination");
        }
        return s;
    }

    public static String letters(Set<Similarity> s) {
        StringBuilder sb = new StringBuilder();
        for (Similarity x : s) {
            sb.append(x.name().charAt(0));
        }
        return sb.toString();
    }
}
