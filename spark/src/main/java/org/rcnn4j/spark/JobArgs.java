package org.rcnn4j.spark;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rcnn4j.detection.TestTimeAugmentation;

/** A job's {@code --name value} options and {@code --flag}s; anything else is a usage error naming it. */
final class JobArgs {
    private final String job;
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flags = new HashSet<>();

    private JobArgs(String job) {
        this.job = job;
    }

    static JobArgs parse(String job, String[] argv, Set<String> valued, Set<String> flagNames) {
        JobArgs a = new JobArgs(job);
        for (int i = 0; i < argv.length; i++) {
            String s = argv[i];
            if (flagNames.contains(s)) {
                a.flags.add(s);
            } else if (valued.contains(s)) {
                if (i + 1 >= argv.length) {
                    throw a.usage(s + " needs a value");
                }
                if (a.values.put(s, argv[++i]) != null) {
                    throw a.usage(s + " given twice");
                }
            } else {
                throw a.usage("unknown argument '" + s + "'");
            }
        }
        return a;
    }

    boolean has(String flag) {
        return flags.contains(flag);
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    String required(String name, String what) {
        String v = values.get(name);
        if (v == null || v.isBlank()) {
            throw usage(name + " " + what + " is required");
        }
        return v;
    }

    Path path(String name) {
        String v = values.get(name);
        return v == null ? null : Path.of(v);
    }

    Integer intIn(String name, int lo, int hi) {
        String v = values.get(name);
        if (v == null) {
            return null;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= lo && n <= hi) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw usage(name + " expects an integer in " + lo + ".." + hi + ", got '" + v + "'");
    }

    Float floatIn(String name, float lo, float hi) {
        String v = values.get(name);
        if (v == null) {
            return null;
        }
        try {
            float f = Float.parseFloat(v.trim());
            if (f >= lo && f <= hi) {
                return f;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw usage(name + " expects a number in [" + lo + ", " + hi + "], got '" + v + "'");
    }

    /** --tta or --tta-scales S,S: flips at those scales (default 1), fused; null when neither is given. */
    TestTimeAugmentation testTimeAugmentation() {
        if (!has("--tta") && !values.containsKey("--tta-scales")) {
            return null;
        }
        try {
            return TestTimeAugmentation.flipsAt(values.getOrDefault("--tta-scales", "1"));
        } catch (IllegalArgumentException e) {
            throw usage("--tta-scales: " + e.getMessage().replaceFirst("^scales: ", ""));
        }
    }

    String oneOf(String name, List<String> choices, String fallback) {
        String v = values.getOrDefault(name, fallback);
        if (!choices.contains(v)) {
            throw usage(name + " expects one of " + String.join(", ", choices) + ", got '" + v + "'");
        }
        return v;
    }

    UsageException usage(String message) {
        return new UsageException(job + ": " + message);
    }

    /** A mistake in the command line or its files: one line, exit code 2. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
