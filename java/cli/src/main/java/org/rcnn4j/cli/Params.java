package org.rcnn4j.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The --set values of one op call, parsed against the op's {@link ParamSpec}s (defaults filled in). */
final class Params {
    private final Map<String, Object> values;
    private final Map<String, String> text;

    private Params(Map<String, Object> values, Map<String, String> text) {
        this.values = values;
        this.text = text;
    }

    /** Parses {@code key=value} strings; unknown, repeated, missing or malformed keys are UsageExceptions. */
    static Params parse(OpSpec spec, List<String> settings) {
        Map<String, String> given = new LinkedHashMap<>();
        for (String s : settings) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--set expects key=value, got '" + s + "'");
            }
            String key = s.substring(0, eq).trim();
            String value = s.substring(eq + 1).trim();
            if (spec.param(key) == null) {
                throw new UsageException(spec.name() + ": unknown --set key '" + key + "' (" + keys(spec) + ")");
            }
            if (given.put(key, value) != null) {
                throw new UsageException(spec.name() + ": --set " + key + " given twice");
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> text = new LinkedHashMap<>();
        for (ParamSpec p : spec.params()) {
            String v = given.getOrDefault(p.key(), p.defaultValue());
            if (v == null) {
                throw new UsageException(spec.name() + ": --set " + p.key() + "=... is required (" + p.doc() + ")");
            }
            try {
                values.put(p.key(), p.parser().apply(v));
            } catch (IllegalArgumentException e) {
                throw new UsageException(spec.name() + ": --set " + p.key() + ": " + e.getMessage());
            }
            text.put(p.key(), v);
        }
        return new Params(values, text);
    }

    private static String keys(OpSpec spec) {
        if (spec.params().isEmpty()) {
            return "it takes none";
        }
        List<String> keys = new ArrayList<>();
        for (ParamSpec p : spec.params()) {
            keys.add(p.key());
        }
        return "keys: " + String.join(", ", keys);
    }

    private Object get(String key) {
        Object v = values.get(key);
        if (v == null) {
            throw new IllegalStateException("no parameter " + key);
        }
        return v;
    }

    int integer(String key) {
        return (Integer) get(key);
    }

    float number(String key) {
        return (Float) get(key);
    }

    boolean flag(String key) {
        return (Boolean) get(key);
    }

    int[] integers(String key) {
        return ((int[]) get(key)).clone();
    }

    int[][] integersPerLevel(String key) {
        int[][] v = (int[][]) get(key);
        int[][] copy = new int[v.length][];
        for (int i = 0; i < v.length; i++) {
            copy[i] = v[i].clone();
        }
        return copy;
    }

    float[] numbers(String key) {
        return ((float[]) get(key)).clone();
    }

    /** The values as given (or defaulted), in the op's key order: "key=value key=value". */
    String describe() {
        List<String> parts = new ArrayList<>();
        text.forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(" ", parts);
    }
}
