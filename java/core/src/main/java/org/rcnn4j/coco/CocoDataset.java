package org.rcnn4j.coco;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A COCO instances file (ground truth): images, categories and annotations, validated on reading. */
public final class CocoDataset {
    private final Map<Long, CocoImage> images;
    private final Map<Long, CocoCategory> categories;
    private final List<CocoAnnotation> annotations;

    public CocoDataset(Map<Long, CocoImage> images, Map<Long, CocoCategory> categories,
            List<CocoAnnotation> annotations) {
        this.images = Collections.unmodifiableMap(new LinkedHashMap<>(images));
        this.categories = Collections.unmodifiableMap(new LinkedHashMap<>(categories));
        this.annotations = List.copyOf(annotations);
    }

    public Map<Long, CocoImage> images() {
        return images;
    }

    public Map<Long, CocoCategory> categories() {
        return categories;
    }

    public List<CocoAnnotation> annotations() {
        return annotations;
    }

    public static CocoDataset read(Path file) throws IOException {
        return parse(CocoJson.parseFile(file), file.toString());
    }

    public static CocoDataset parse(String text, String source) {
        return parse(CocoJson.parse(text, source), source);
    }

    private static CocoDataset parse(Object root, String source) {
        CocoJson j = new CocoJson(source);
        Map<String, Object> top = j.object(root, "top level");
        Map<Long, CocoImage> images = new LinkedHashMap<>();
        for (Object o : j.list(j.required(top, "images", "top level"), "top level", "images")) {
            Map<String, Object> m = j.object(o, "an image");
            long id = j.id(m, "id", "an image");
            String where = "image " + id;
            double w = j.number(j.required(m, "width", where), where, "width");
            double h = j.number(j.required(m, "height", where), where, "height");
            if (w < 0 || h < 0 || w != Math.rint(w) || h != Math.rint(h) || w * h > Integer.MAX_VALUE - 1) {
                throw j.error(where, "width and height must be non-negative integers");
            }
            Object name = m.get("file_name");
            if (images.put(id, new CocoImage(id, (int) w, (int) h, name == null ? null : name.toString())) != null) {
                throw j.error(where, "duplicate image id");
            }
        }
        Map<Long, CocoCategory> categories = new LinkedHashMap<>();
        for (Object o : j.list(j.required(top, "categories", "top level"), "top level", "categories")) {
            Map<String, Object> m = j.object(o, "a category");
            long id = j.id(m, "id", "a category");
            Object name = m.get("name");
            Object sup = m.get("supercategory");
            CocoCategory c = new CocoCategory(id, name == null ? String.valueOf(id) : name.toString(),
                    sup == null ? null : sup.toString());
            if (categories.put(id, c) != null) {
                throw j.error("category " + id, "duplicate category id");
            }
        }
        List<CocoAnnotation> anns = new ArrayList<>();
        Set<Long> ids = new HashSet<>();
        Object annList = top.get("annotations");
        if (annList != null) {
            for (Object o : j.list(annList, "top level", "annotations")) {
                anns.add(annotation(j, j.object(o, "an annotation"), images, categories, ids));
            }
        }
        return new CocoDataset(images, categories, anns);
    }

    private static CocoAnnotation annotation(CocoJson j, Map<String, Object> m, Map<Long, CocoImage> images,
            Map<Long, CocoCategory> categories, Set<Long> ids) {
        long id = j.id(m, "id", "an annotation");
        String where = "annotation " + id;
        if (!ids.add(id)) {
            throw j.error(where, "duplicate annotation id");
        }
        long imageId = j.id(m, "image_id", where);
        if (!images.containsKey(imageId)) {
            throw j.error(where, "missing image: image_id " + imageId + " is not in \"images\"");
        }
        long categoryId = j.id(m, "category_id", where);
        if (!categories.containsKey(categoryId)) {
            throw j.error(where, "unknown category: category_id " + categoryId + " is not in \"categories\"");
        }
        double[] bbox = j.bbox(j.required(m, "bbox", where), where);
        double area = j.number(j.required(m, "area", where), where, "area");
        boolean crowd = j.flag(m.get("iscrowd"), where, "iscrowd");
        Object seg = m.get("segmentation");
        Segmentation s = seg == null ? null : j.segmentation(seg, where);
        return new CocoAnnotation(id, imageId, categoryId, bbox, area, crowd, Double.NaN, s);
    }
}
