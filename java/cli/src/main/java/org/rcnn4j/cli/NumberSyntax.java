package org.rcnn4j.cli;

import java.util.regex.Pattern;

/**
 * What the command line accepts as a number: ASCII decimal as Python's int() and float() read it, nothing Java's
 * parsers add (a type suffix as in {@code 0.5f} or {@code 1d}, hexadecimal floats as in {@code 0x1p-1},
 * non-ASCII digits), and no NaN or infinity.
 */
final class NumberSyntax {
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");

    private NumberSyntax() {
    }

    static boolean isInteger(String s) {
        return INTEGER.matcher(s).matches();
    }

    static boolean isDecimal(String s) {
        return DECIMAL.matcher(s).matches();
    }

    /** A decimal number, or NumberFormatException. */
    static double parseDouble(String s) {
        String t = s.strip();
        if (!isDecimal(t)) {
            throw new NumberFormatException("not a decimal number: " + s);
        }
        return Double.parseDouble(t);
    }

    /** A decimal number rounded once to float (as Float.parseFloat rounds), or NumberFormatException. */
    static float parseFloat(String s) {
        String t = s.strip();
        if (!isDecimal(t)) {
            throw new NumberFormatException("not a decimal number: " + s);
        }
        return Float.parseFloat(t);
    }

    /** A decimal integer in long's range, or NumberFormatException. */
    static long parseLong(String s) {
        String t = s.strip();
        if (!isInteger(t)) {
            throw new NumberFormatException("not a decimal integer: " + s);
        }
        return Long.parseLong(t);
    }

    /** A decimal integer in int's range, or NumberFormatException. */
    static int parseInt(String s) {
        String t = s.strip();
        if (!isInteger(t)) {
            throw new NumberFormatException("not a decimal integer: " + s);
        }
        return Integer.parseInt(t);
    }
}
