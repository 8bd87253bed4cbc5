package org.rcnn4j.cli;

/** Numeric option values of the CLI's commands, with usage errors that name the command and the option. */
final class OptionValues {
    private OptionValues() {
    }

    /** An integer option within [lo, hi]. */
    static int intIn(String command, String name, String v, int lo, int hi) {
        long n = longOf(command, name, v);
        if (n < lo || n > hi) {
            throw new UsageException(command + ": " + name + " must be in " + lo + ".." + hi + ", got " + v);
        }
        return (int) n;
    }

    /** A 64-bit integer option. */
    static long longOf(String command, String name, String v) {
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": " + name + " must be an integer, got '" + v + "'");
        }
    }
}
