package org.rcnn4j.cli;

import java.util.Locale;
import java.util.function.Function;

/** Parsers of {@code --set} values; each failure says what was expected. */
final class ParamParsers {
    private ParamParsers() {
    }

    static Function<String, Object> finiteFloat() {
        return ParamParsers::parseFloat;
    }

    static Function<String, Object> positiveFloat() {
        return s -> {
            float v = parseFloat(s);
            if (v <= 0) {
                throw new IllegalArgumentException("expected a number > 0, got " + s);
            }
            return v;
        };
    }

    static Function<String, Object> nonNegativeFloat() {
        return s -> {
            float v = parseFloat(s);
            if (v < 0) {
                throw new IllegalArgumentException("expected a number >= 0, got " + s);
            }
            return v;
        };
    }

    static Function<String, Object> anyInt() {
        return ParamParsers::parseInt;
    }

    static Function<String, Object> positiveInt() {
        return s -> {
            int v = parseInt(s);
            if (v <= 0) {
                throw new IllegalArgumentException("expected an integer > 0, got " + s);
            }
            return v;
        };
    }

    static Function<String, Object> nonNegativeInt() {
        return s -> {
            int v = parseInt(s);
            if (v < 0) {
                throw new IllegalArgumentException("expected an integer >= 0, got " + s);
            }
            return v;
        };
    }

    static Function<String, Object> bool() {
        return s -> switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException("expected true or false, got " + s);
        };
    }

    /**
     * One integer for both axes or two (height, width), as torchvision's int-or-pair arguments; each at least
     * {@code min}. Gives int[2].
     */
    static Function<String, Object> pair(int min) {
        return s -> {
            String[] parts = split(s);
            if (parts.length != 1 && parts.length != 2) {
                throw new IllegalArgumentException("expected one integer or two (h,w), got " + s);
            }
            int a = parseInt(parts[0]);
            int b = parts.length == 2 ? parseInt(parts[1]) : a;
            if (a < min || b < min) {
                throw new IllegalArgumentException("expected integers >= " + min + ", got " + s);
            }
            return new int[] {a, b};
        };
    }

    /** A comma-separated list of positive integers. Gives int[]. */
    static Function<String, Object> positiveInts() {
        return s -> {
            String[] parts = split(s);
            int[] v = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                v[i] = parseInt(parts[i]);
                if (v[i] <= 0) {
                    throw new IllegalArgumentException("expected positive integers, got " + s);
                }
            }
            return v;
        };
    }

    /** Lists of positive integers, one per level, the levels separated by '/': "32/64,80/128". Gives int[][]. */
    static Function<String, Object> positiveIntsPerLevel() {
        Function<String, Object> level = positiveInts();
        return s -> {
            String[] parts = s.trim().split("/", -1);
            int[][] v = new int[parts.length][];
            for (int i = 0; i < parts.length; i++) {
                v[i] = (int[]) level.apply(parts[i]);
            }
            return v;
        };
    }

    /** A comma-separated list of positive numbers, exactly {@code n} of them when n &gt; 0. Gives float[]. */
    static Function<String, Object> positiveFloats(int n) {
        return s -> {
            String[] parts = split(s);
            if (n > 0 && parts.length != n) {
                throw new IllegalArgumentException("expected " + n + " comma-separated numbers, got " + s);
            }
            float[] v = new float[parts.length];
            for (int i = 0; i < parts.length; i++) {
                v[i] = parseFloat(parts[i]);
                if (v[i] <= 0) {
                    throw new IllegalArgumentException("expected positive numbers, got " + s);
                }
            }
            return v;
        };
    }

    private static String[] split(String s) {
        String t = s.trim();
        if (t.startsWith("(") && t.endsWith(")") || t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        if (t.isEmpty()) {
            throw new IllegalArgumentException("expected a value, got nothing");
        }
        return t.split(",", -1);
    }

    static float parseFloat(String s) {
        float v;
        try {
            v = NumberSyntax.parseFloat(s);
        } catch (NumberFormatException e) {
            if (s.strip().toLowerCase(Locale.ROOT).matches("[+-]?(nan|inf|infinity)")) {
                throw new IllegalArgumentException("expected a finite number, got " + s);
            }
            throw new IllegalArgumentException("expected a number (decimal digits), got '" + s + "'");
        }
        if (!Float.isFinite(v)) {
            throw new IllegalArgumentException("expected a finite number, got " + s);
        }
        return v;
    }

    static int parseInt(String s) {
        try {
            return NumberSyntax.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(NumberSyntax.isInteger(s.strip())
                    ? "expected an integer in [" + Integer.MIN_VALUE + ", " + Integer.MAX_VALUE + "], got " + s
                    : "expected an integer, got '" + s + "'");
        }
    }

    /** An integer of at most {@code max} (an op's cost grows with it). */
    static Function<String, Object> intAtMost(int max) {
        return s -> {
            int v = parseInt(s);
            if (v > max) {
                throw new IllegalArgumentException("expected an integer <= " + max + ", got " + s);
            }
            return v;
        };
    }
}
