package org.rcnn4j.coco;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rcnn4j.io.AtomicFiles;
import org.rcnn4j.io.Json;

/**
 * COCO results files: a list of {image_id, category_id, bbox or segmentation, score}. Reading follows
 * pycocotools' COCO.loadRes: ids 1, 2, ... in file order; when the first result has a bbox every area is the
 * box's w * h (also for segm evaluation), otherwise the RLE's area, and a missing bbox is the RLE's bounds. A
 * box result without a segmentation keeps a null one here; segm evaluation rasterizes its box (as loadRes does).
 */
public final class CocoResults {
    private CocoResults() {
    }

    public static List<CocoAnnotation> read(Path file, CocoDataset gt) throws IOException {
        return parse(CocoJson.parseFile(file), file.toString(), gt);
    }

    public static List<CocoAnnotation> parse(String text, String source, CocoDataset gt) {
        return parse(CocoJson.parse(text, source), source, gt);
    }

    private static List<CocoAnnotation> parse(Object root, String source, CocoDataset gt) {
        CocoJson j = new CocoJson(source);
        if (!(root instanceof List<?> list)) {
            throw j.error("a results file must be a JSON list of detections, got " + CocoJson.describe(root));
        }
        List<CocoAnnotation> out = new ArrayList<>(list.size());
        boolean boxType = false;
        for (int i = 0; i < list.size(); i++) {
            String where = "result " + i;
            Map<String, Object> m = j.object(list.get(i), where);
            if (i == 0) {
                Object b = m.get("bbox");
                boxType = b instanceof List<?> l && !l.isEmpty();
            }
            long imageId = j.id(m, "image_id", where);
            if (!gt.images().containsKey(imageId)) {
                throw j.error(where, "missing image: image_id " + imageId + " is not in the ground truth's images");
            }
            long categoryId = j.id(m, "category_id", where);
            if (!gt.categories().containsKey(categoryId)) {
                throw j.error(where, "unknown category: category_id " + categoryId
                        + " is not in the ground truth's categories");
            }
            double score = j.number(j.required(m, "score", where), where, "score");
            Object seg = m.get("segmentation");
            Segmentation s = seg == null ? null : j.segmentation(seg, where);
            double[] bbox;
            double area;
            if (boxType) {
                bbox = j.bbox(j.required(m, "bbox", where), where);
                area = bbox[2] * bbox[3];
            } else {
                if (s == null) {
                    throw j.error(where, "missing \"bbox\" and \"segmentation\"");
                }
                if (s.rle() == null) {
                    throw j.error(where, "malformed segmentation: a result's segmentation must be an RLE");
                }
                area = s.rle().area();
                bbox = m.containsKey("bbox") ? j.bbox(m.get("bbox"), where) : s.rle().toBbox();
            }
            out.add(new CocoAnnotation(i + 1, imageId, categoryId, bbox, area, false, score, s));
        }
        return out;
    }

    /** Writes detections as a COCO results list (segmentation as compressed RLE), atomically. */
    public static void write(Path file, List<CocoAnnotation> detections) throws IOException {
        AtomicFiles.write(file, os -> {
            Writer w = new OutputStreamWriter(os, StandardCharsets.UTF_8);
            w.write('[');
            for (int i = 0; i < detections.size(); i++) {
                if (i > 0) {
                    w.write(",\n");
                }
                w.write(Json.write(toJson(detections.get(i))));
            }
            w.write("]\n");
            w.flush();
        });
    }

    static Map<String, Object> toJson(CocoAnnotation d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("image_id", d.imageId());
        m.put("category_id", d.categoryId());
        if (d.bbox() != null) {
            List<Double> b = new ArrayList<>(4);
            for (double v : d.bbox()) {
                b.add(v);
            }
            m.put("bbox", b);
        }
        if (d.segmentation() != null && d.segmentation().rle() != null) {
            Rle r = d.segmentation().rle();
            Map<String, Object> seg = new LinkedHashMap<>();
            seg.put("size", List.of(r.height(), r.width()));
            seg.put("counts", r.toCocoString());
            m.put("segmentation", seg);
        }
        m.put("score", d.score());
        return m;
    }
}
