package org.rcnn4j.coco;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.rcnn4j.io.Json;

/** The committed COCO cases in src/test/resources/coco (make_coco_cases.py, coco_reference.py). */
final class CocoCases {
    private CocoCases() {
    }

    static String text(String name) {
        try (InputStream in = CocoCases.class.getResourceAsStream("/coco/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /coco/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static CocoDataset gt(String c) {
        return CocoDataset.parse(text(c + ".gt.json"), c + ".gt.json");
    }

    static List<CocoAnnotation> results(String c, String type, CocoDataset gt) {
        String n = c + "." + type + ".results.json";
        return CocoResults.parse(text(n), n, gt);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> expected(String c, String type) {
        Map<String, Object> all = (Map<String, Object>) Json.parse(text(c + ".expected.json"));
        return (Map<String, Object>) all.get(type);
    }

    static double[] doubles(Object list) {
        List<?> l = (List<?>) list;
        double[] out = new double[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) l.get(i)).doubleValue();
        }
        return out;
    }
}
