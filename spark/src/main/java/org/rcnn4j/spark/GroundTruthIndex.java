package org.rcnn4j.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rcnn4j.coco.CocoAnnotation;
import org.rcnn4j.coco.CocoDataset;
import org.rcnn4j.coco.CocoImage;

/**
 * A COCO ground truth indexed for evaluating some of its images at a time: each image's annotations, and the image
 * a results table's path names (the image whose file_name is the longest tail of the path, whole path components).
 */
final class GroundTruthIndex {
    private final CocoDataset gt;
    private final Map<String, Long> byFileName = new HashMap<>();
    private final Map<Long, List<CocoAnnotation>> byImage = new HashMap<>();

    GroundTruthIndex(CocoDataset gt) {
        this.gt = gt;
        for (CocoImage im : gt.images().values()) {
            if (im.fileName() != null) {
                byFileName.merge(normalize(im.fileName()), im.id(), (a, b) -> -1L); // -1: two images, one name
            }
            byImage.put(im.id(), new ArrayList<>());
        }
        for (CocoAnnotation a : gt.annotations()) {
            byImage.get(a.imageId()).add(a);
        }
    }

    static GroundTruthIndex read(Path file) throws IOException {
        return new GroundTruthIndex(CocoDataset.read(file));
    }

    CocoDataset dataset() {
        return gt;
    }

    /**
     * The id of the image {@code path} names, or null.
     *
     * @param path a path or URI as Spark lists files ({@code file:/data/val/000001.jpg})
     * @throws IllegalArgumentException two images of the ground truth have the file name that matches
     */
    Long imageId(String path) {
        String p = new org.apache.hadoop.fs.Path(path).toUri().getPath();
        p = normalize(p);
        // from the whole path to its last component: the longest file_name that is a tail of the path wins
        for (int from = 0; from >= 0 && from < p.length(); ) {
            Long id = byFileName.get(p.substring(from));
            if (id != null) {
                if (id < 0) {
                    throw new IllegalArgumentException("path: " + path + " matches the file_name of several images of "
                            + "the ground truth");
                }
                return id;
            }
            int slash = p.indexOf('/', from);
            from = slash < 0 ? -1 : slash + 1;
        }
        return null;
    }

    private static String normalize(String name) {
        String n = name.replace('\\', '/');
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        while (n.startsWith("/")) {
            n = n.substring(1);
        }
        return n;
    }

    /** The ground truth of these images alone (with every category, so that evaluations line up). */
    CocoDataset subset(Collection<Long> imageIds) {
        Map<Long, CocoImage> images = new LinkedHashMap<>();
        List<CocoAnnotation> anns = new ArrayList<>();
        for (long id : imageIds) {
            CocoImage im = gt.images().get(id);
            if (im == null) {
                throw new IllegalArgumentException("imageIds: " + id + " is not an image of the ground truth");
            }
            images.put(id, im);
            anns.addAll(byImage.get(id));
        }
        return new CocoDataset(images, gt.categories(), anns);
    }
}
