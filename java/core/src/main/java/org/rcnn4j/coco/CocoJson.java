package org.rcnn4j.coco;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.rcnn4j.io.Json;

/** Typed reads from parsed JSON; every failure is a CocoFormatException naming the file and the entry. */
final class CocoJson {
    private final String source;

    CocoJson(String source) {
        this.source = source;
    }

    static Object parseFile(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        return parse(text, file.toString());
    }

    static Object parse(String text, String source) {
        try {
            return Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CocoFormatException(source + ": not valid JSON (" + e.getMessage() + ")");
        }
    }

    CocoFormatException error(String where, String reason) {
        return new CocoFormatException(source + ": " + where + ": " + reason);
    }

    CocoFormatException error(String reason) {
        return new CocoFormatException(source + ": " + reason);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> object(Object v, String where) {
        if (!(v instanceof Map)) {
            throw error(where, "expected a JSON object, got " + describe(v));
        }
        return (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    List<Object> list(Object v, String where, String field) {
        if (!(v instanceof List)) {
            throw error(where, "\"" + field + "\" must be a list, got " + describe(v));
        }
        return (List<Object>) v;
    }

    Object required(Map<String, Object> m, String field, String where) {
        if (!m.containsKey(field)) {
            throw error(where, "missing \"" + field + "\"");
        }
        return m.get(field);
    }

    long id(Map<String, Object> m, String field, String where) {
        Object v = required(m, field, where);
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 9.0e15) {
            return d.longValue();
        }
        throw error(where, "\"" + field + "\" must be an integer, got " + describe(v));
    }

    double number(Object v, String where, String field) {
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Double d && Double.isFinite(d)) {
            return d;
        }
        throw error(where, "\"" + field + "\" must be a finite number, got " + describe(v));
    }

    double[] numbers(Object v, String where, String field) {
        List<Object> l = list(v, where, field);
        double[] out = new double[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = number(l.get(i), where, field);
        }
        return out;
    }

    boolean flag(Object v, String where, String field) {
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Long l && (l == 0 || l == 1)) {
            return l == 1;
        }
        throw error(where, "\"" + field + "\" must be 0 or 1, got " + describe(v));
    }

    /** [x, y, w, h] with finite values and w, h >= 0. */
    double[] bbox(Object v, String where) {
        if (!(v instanceof List<?> l) || l.size() != 4) {
            throw error(where, "bad bbox: expected [x, y, w, h], got " + describe(v));
        }
        double[] b = numbers(v, where, "bbox");
        if (b[2] < 0 || b[3] < 0) {
            throw error(where, "bad bbox: negative width or height in " + describe(v));
        }
        return b;
    }

    /** Polygons (a list of lists of numbers) or an RLE {"size": [h, w], "counts": [..] or "string"}. */
    Segmentation segmentation(Object v, String where) {
        if (v instanceof List<?> polys) {
            if (polys.isEmpty()) {
                throw error(where, "malformed segmentation: an empty polygon list");
            }
            List<double[]> out = new ArrayList<>();
            for (Object p : polys) {
                if (!(p instanceof List<?>)) {
                    throw error(where, "malformed segmentation: a polygon must be a list of numbers, got "
                            + describe(p));
                }
                double[] xy = numbers(p, where, "segmentation");
                boolean boxes = out.isEmpty() ? xy.length == 4 : out.get(0).length == 4;
                if (boxes ? xy.length != 4 : xy.length < 6 || xy.length % 2 != 0) {
                    throw error(where, "malformed segmentation: a polygon needs an even count of at least 6 "
                            + "numbers (x0, y0, x1, y1, ...), got " + xy.length);
                }
                out.add(xy);
            }
            return Segmentation.ofPolygons(out);
        }
        if (v instanceof Map<?, ?>) {
            Map<String, Object> m = object(v, where);
            double[] size = numbers(required(m, "size", where + " segmentation"), where, "size");
            if (size.length != 2 || size[0] < 0 || size[1] < 0 || size[0] != Math.rint(size[0])
                    || size[1] != Math.rint(size[1]) || size[0] * size[1] > Integer.MAX_VALUE - 1) {
                throw error(where, "malformed segmentation: RLE \"size\" must be [height, width]");
            }
            int h = (int) size[0];
            int w = (int) size[1];
            Object counts = required(m, "counts", where + " segmentation");
            try {
                if (counts instanceof String s) {
                    return Segmentation.ofRle(Rle.fromCocoString(s, h, w));
                }
                double[] c = numbers(counts, where, "counts");
                int[] ci = new int[c.length];
                for (int i = 0; i < c.length; i++) {
                    if (c[i] != Math.rint(c[i]) || c[i] < 0 || c[i] > Integer.MAX_VALUE) {
                        throw error(where, "malformed segmentation: RLE counts must be non-negative integers");
                    }
                    ci[i] = (int) c[i];
                }
                return Segmentation.ofRle(new Rle(h, w, ci));
            } catch (CocoFormatException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw error(where, "malformed segmentation: " + e.getMessage());
            }
        }
        throw error(where, "malformed segmentation: expected polygons or an RLE object, got " + describe(v));
    }

    static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        String s = v instanceof String str ? "\"" + str + "\"" : Json.write(v);
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
