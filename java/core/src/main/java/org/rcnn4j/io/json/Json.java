package org.rcnn4j.io.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON reader and writer: objects become LinkedHashMap (key order kept), arrays ArrayList,
 * numbers Double or Long, plus String, Boolean and null. Errors name the character offset.
 *
 * <p>The reader follows RFC 8259 to the letter: numbers as its grammar has them (no {@code +1}, {@code 01},
 * {@code 1.}, {@code .5}, {@code NaN}), no raw control characters in strings, only its four whitespace
 * characters, and backslash-u escapes of exactly four hex digits. Beyond it: a name appearing twice in one object
 * is an error (the RFC leaves the outcome open; readers disagree on which wins), and nesting deeper than
 * {@link #MAX_DEPTH} is refused before it can exhaust the stack.
 */
public final class Json {
    /** Deepest nesting of objects and arrays read (COCO files are 4 deep, safetensors headers 3). */
    public static final int MAX_DEPTH = 256;
    private final String text;
    private int pos;
    private int depth;

    private Json(String text) {
        this.text = text;
    }

    /** Parses one JSON value; trailing non-space text is an error. */
    public static Object parse(String text) {
        Json p = new Json(text);
        p.space();
        Object v = p.value();
        p.space();
        if (p.pos != text.length()) {
            throw p.error("unexpected text after the JSON value");
        }
        return v;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("JSON: " + printable(what) + " at offset " + pos);
    }

    /** {@code s} with control and non-ASCII-space characters escaped, so an error message stays one line. */
    public static String printable(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029 || Character.isSurrogate(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private void space() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("nested more than " + MAX_DEPTH + " deep");
        }
    }

    private Object value() {
        if (pos >= text.length()) {
            throw error("unexpected end");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                return number();
        }
    }

    private Object literal(String word, Object v) {
        if (!text.startsWith(word, pos)) {
            throw error("unexpected character '" + text.charAt(pos) + "'");
        }
        pos += word.length();
        return v;
    }

    private Map<String, Object> object() {
        Map<String, Object> m = new LinkedHashMap<>();
        enter();
        pos++;
        space();
        if (peek('}')) {
            pos++;
            depth--;
            return m;
        }
        while (true) {
            space();
            if (!peek('"')) {
                throw error("expected a string key");
            }
            int keyAt = pos;
            String k = string();
            space();
            expect(':');
            space();
            if (m.containsKey(k)) {
                pos = keyAt;
                throw error("duplicated name \"" + k + "\"");
            }
            m.put(k, value());
            space();
            if (peek(',')) {
                pos++;
            } else {
                expect('}');
                depth--;
                return m;
            }
        }
    }

    private List<Object> array() {
        List<Object> l = new ArrayList<>();
        enter();
        pos++;
        space();
        if (peek(']')) {
            pos++;
            depth--;
            return l;
        }
        while (true) {
            space();
            l.add(value());
            space();
            if (peek(',')) {
                pos++;
            } else {
                expect(']');
                depth--;
                return l;
            }
        }
    }

    private boolean peek(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private String string() {
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\') {
                if (pos >= text.length()) {
                    throw error("unterminated escape");
                }
                char e = text.charAt(pos++);
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        int v = 0;
                        for (int i = 0; i < 4; i++) {
                            char x = pos < text.length() ? text.charAt(pos) : 'g';
                            int h = x >= '0' && x <= '9' ? x - '0' : x >= 'a' && x <= 'f' ? x - 'a' + 10
                                    : x >= 'A' && x <= 'F' ? x - 'A' + 10 : -1;
                            if (h < 0) {
                                throw error("\\u escape needs four hex digits");
                            }
                            v = v << 4 | h;
                            pos++;
                        }
                        sb.append((char) v);
                    }
                    default -> throw error("bad escape \\" + e);
                }
            } else if (c < 0x20) {
                pos--;
                throw error("raw control character U+" + String.format("%04X", (int) c) + " in a string (write it "
                        + "as an escape)");
            } else {
                sb.append(c);
            }
        }
    }

    /** A number as RFC 8259 writes it: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
    private Object number() {
        int start = pos;
        if (peek('-')) {
            pos++;
        }
        if (peek('0')) {
            pos++;
            if (digitAt(pos)) {
                throw error("a number may not start with 0 (\"" + text.substring(start, pos + 1) + "\")");
            }
        } else if (digitAt(pos)) {
            while (digitAt(pos)) {
                pos++;
            }
        } else {
            pos = start;
            throw error("unexpected character '" + (start < text.length() ? text.charAt(start) : ' ') + "'");
        }
        boolean integral = true;
        if (peek('.')) {
            integral = false;
            pos++;
            if (!digitAt(pos)) {
                throw error("a digit must follow the decimal point in \"" + text.substring(start, pos) + "\"");
            }
            while (digitAt(pos)) {
                pos++;
            }
        }
        if (peek('e') || peek('E')) {
            integral = false;
            pos++;
            if (peek('+') || peek('-')) {
                pos++;
            }
            if (!digitAt(pos)) {
                throw error("an exponent needs digits in \"" + text.substring(start, pos) + "\"");
            }
            while (digitAt(pos)) {
                pos++;
            }
        }
        String s = text.substring(start, pos);
        if (integral) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                return Double.parseDouble(s); // beyond a long: a double, as Python's float(int) would round it
            }
        }
        return Double.parseDouble(s);
    }

    private boolean digitAt(int i) {
        return i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9';
    }

    /** Writes maps, lists, strings, numbers, booleans and null as compact JSON. */
    public static String write(Object v) {
        StringBuilder sb = new StringBuilder();
        write(sb, v, new ArrayList<>());
        return sb.toString();
    }

    /** Where in the value being written: "$.annotations[3].score". */
    private static String where(List<Object> path) {
        StringBuilder sb = new StringBuilder("$");
        for (Object p : path) {
            if (p instanceof Integer i) {
                sb.append('[').append(i).append(']');
            } else {
                sb.append('.').append(p);
            }
        }
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v, List<Object> path) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            quote(sb, s);
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                quote(sb, String.valueOf(e.getKey()));
                sb.append(':');
                path.add(String.valueOf(e.getKey()));
                write(sb, e.getValue(), path);
                path.remove(path.size() - 1);
            }
            sb.append('}');
        } else if (v instanceof Iterable<?> l) {
            sb.append('[');
            int i = 0;
            for (Object o : l) {
                if (i > 0) {
                    sb.append(',');
                }
                path.add(i++);
                write(sb, o, path);
                path.remove(path.size() - 1);
            }
            sb.append(']');
        } else if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
            throw new IllegalArgumentException("JSON cannot hold " + d + " (at " + where(path) + ")");
        } else if (v instanceof Float f && (f.isNaN() || f.isInfinite())) {
            throw new IllegalArgumentException("JSON cannot hold " + f + " (at " + where(path) + ")");
        } else {
            sb.append(v);
        }
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
