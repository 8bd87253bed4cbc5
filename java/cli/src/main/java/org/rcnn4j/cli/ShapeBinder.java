package org.rcnn4j.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rcnn4j.tensor.Shapes;

/**
 * Matches tensor shapes against patterns such as {@code [N,4]}, {@code [K,C,h,w]}, {@code [K,4*C]} or
 * {@code [...,4]}: a number must match exactly, a name is bound by the first tensor that has it and must agree
 * everywhere after ({@code 4*C}: a multiple of 4, binding C), {@code ...} (first only) takes any leading dims.
 * Names may also be bound beforehand from --set values (output_size binds h and w).
 */
final class ShapeBinder {
    private final Map<String, Integer> dims = new HashMap<>();
    private final Map<String, String> boundBy = new HashMap<>();

    void bind(String symbol, int value, String source) {
        dims.put(symbol, value);
        boundBy.put(symbol, source);
    }

    boolean isBound(String symbol) {
        return dims.containsKey(symbol);
    }

    int get(String symbol) {
        Integer v = dims.get(symbol);
        if (v == null) {
            throw new IllegalStateException("dimension " + symbol + " is not bound");
        }
        return v;
    }

    /** Checks {@code shape} against {@code pattern}, binding new names; throws UsageException naming the tensor. */
    void match(String tensor, int[] shape, String pattern) {
        List<String> tokens = tokens(pattern);
        boolean ellipsis = !tokens.isEmpty() && tokens.get(0).equals("...");
        List<String> fixed = ellipsis ? tokens.subList(1, tokens.size()) : tokens;
        if (ellipsis ? shape.length < fixed.size() : shape.length != fixed.size()) {
            throw mismatch(tensor, shape, pattern, ellipsis ? "at least " + fixed.size() + " dimensions"
                    : fixed.size() + " dimension" + (fixed.size() == 1 ? "" : "s"));
        }
        int offset = shape.length - fixed.size();
        // check everything before binding anything, so a failed match leaves no half-bound names
        Map<String, Integer> fresh = new HashMap<>();
        for (int i = 0; i < fixed.size(); i++) {
            String tok = fixed.get(i);
            int actual = shape[offset + i];
            int factor = 1;
            String symbol = tok;
            int star = tok.indexOf('*');
            if (star >= 0) {
                factor = Integer.parseInt(tok.substring(0, star));
                symbol = tok.substring(star + 1);
            } else if (Character.isDigit(tok.charAt(0))) {
                if (actual != Integer.parseInt(tok)) {
                    throw mismatch(tensor, shape, pattern, "dimension " + (offset + i) + " to be " + tok);
                }
                continue;
            }
            if (actual % factor != 0) {
                throw mismatch(tensor, shape, pattern, "dimension " + (offset + i) + " to be a multiple of "
                        + factor);
            }
            int value = actual / factor;
            Integer known = dims.containsKey(symbol) ? dims.get(symbol) : fresh.get(symbol);
            if (known != null && known != value) {
                String from = boundBy.getOrDefault(symbol, tensor);
                throw mismatch(tensor, shape, pattern, symbol + "=" + known + " (from " + from + ")");
            }
            fresh.put(symbol, value);
        }
        for (Map.Entry<String, Integer> e : fresh.entrySet()) {
            if (!dims.containsKey(e.getKey())) {
                bind(e.getKey(), e.getValue(), tensor);
            }
        }
    }

    private static UsageException mismatch(String tensor, int[] shape, String pattern, String why) {
        return new UsageException(tensor + ": expected shape " + pattern + " with " + why + ", got "
                + Shapes.format(shape));
    }

    static List<String> tokens(String pattern) {
        String p = pattern.trim();
        if (!p.startsWith("[") || !p.endsWith("]")) {
            throw new IllegalArgumentException("bad shape pattern " + pattern);
        }
        List<String> out = new ArrayList<>();
        String body = p.substring(1, p.length() - 1).trim();
        if (body.isEmpty()) {
            return out;
        }
        for (String t : body.split(",")) {
            out.add(t.trim());
        }
        return out;
    }
}
