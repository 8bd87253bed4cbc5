package org.rcnn4j.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.rcnn4j.coco.CocoAnnotation;
import org.rcnn4j.coco.CocoCategory;
import org.rcnn4j.coco.CocoDataset;
import org.rcnn4j.coco.CocoImage;
import org.rcnn4j.coco.Rle;
import org.rcnn4j.coco.Segmentation;

/**
 * Samples as COCO ground truth, the one numbering shared by {@code rcnn4j scenes} and in-memory evaluation:
 * sample i is image id i + 1 with file name images/NNNNNN.png (i, six digits), label c is category id c,
 * annotations are numbered 1, 2, ... in image order, each with bbox [x, y, w, h] from the sample's box, area =
 * its mask's pixel count, iscrowd 0 and the mask as an RLE segmentation.
 */
public final class CocoGroundTruth {
    private CocoGroundTruth() {
    }

    /** Every sample of the dataset (built in parallel) as a CocoDataset; category c is classNames[c - 1]. */
    public static CocoDataset of(Dataset dataset, List<String> classNames) {
        int n = dataset.size();
        CocoImage[] images = new CocoImage[n];
        List<List<CocoAnnotation>> perImage = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            perImage.add(null);
        }
        IntStream.range(0, n).parallel().forEach(i -> {
            Sample s = dataset.get(i);
            images[i] = image(i, s);
            perImage.set(i, annotations(i, s));
        });
        Map<Long, CocoImage> imageMap = new LinkedHashMap<>();
        for (CocoImage im : images) {
            imageMap.put(im.id(), im);
        }
        return new CocoDataset(imageMap, categories(classNames, null), numbered(perImage));
    }

    public static String fileName(int index) {
        return String.format("images/%06d.png", index);
    }

    public static CocoImage image(int index, Sample s) {
        return new CocoImage(index + 1L, s.width(), s.height(), fileName(index));
    }

    /** Sample {@code index}'s instances as annotations with id 0 (see {@link #numbered}). */
    public static List<CocoAnnotation> annotations(int index, Sample s) {
        int h = s.height();
        int w = s.width();
        float[] b = s.boxes().floats();
        long[] labels = s.labels().longs();
        byte[] masks = s.masks().bytes();
        List<CocoAnnotation> out = new ArrayList<>(s.count());
        for (int k = 0; k < s.count(); k++) {
            Rle rle = maskRle(masks, k, h, w);
            double[] bbox = {b[4 * k], b[4 * k + 1], b[4 * k + 2] - b[4 * k], b[4 * k + 3] - b[4 * k + 1]};
            out.add(new CocoAnnotation(0, index + 1L, labels[k], bbox, rle.area(), false, Double.NaN,
                    Segmentation.ofRle(rle)));
        }
        return out;
    }

    /** The annotations of all images in order, numbered 1, 2, .... */
    public static List<CocoAnnotation> numbered(List<List<CocoAnnotation>> perImage) {
        List<CocoAnnotation> out = new ArrayList<>();
        long id = 1;
        for (List<CocoAnnotation> list : perImage) {
            for (CocoAnnotation a : list) {
                out.add(new CocoAnnotation(id++, a.imageId(), a.categoryId(), a.bbox(), a.area(), a.iscrowd(),
                        a.score(), a.segmentation()));
            }
        }
        return out;
    }

    /** Category id c + 1 named classNames[c]; supercategory may be null. */
    public static Map<Long, CocoCategory> categories(List<String> classNames, String supercategory) {
        Map<Long, CocoCategory> out = new LinkedHashMap<>();
        for (int c = 0; c < classNames.size(); c++) {
            out.put(c + 1L, new CocoCategory(c + 1L, classNames.get(c), supercategory));
        }
        return out;
    }

    /** Plane k of a row-major U8 [.., h, w] mask array (nonzero = inside) as an RLE. */
    public static Rle maskRle(byte[] masks, int k, int h, int w) {
        byte[] colMajor = new byte[h * w];
        int base = k * h * w;
        for (int y = 0; y < h; y++) {
            int row = base + y * w;
            for (int x = 0; x < w; x++) {
                colMajor[x * h + y] = masks[row + x];
            }
        }
        return Rle.encode(colMajor, h, w);
    }

    /** A ground-truth annotation as a COCO instances entry, its RLE uncompressed (a list of counts). */
    public static Map<String, Object> toJson(CocoAnnotation a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("image_id", a.imageId());
        m.put("category_id", a.categoryId());
        List<Double> bbox = new ArrayList<>(4);
        for (double v : a.bbox()) {
            bbox.add(v);
        }
        m.put("bbox", bbox);
        m.put("area", a.area() == Math.rint(a.area()) ? (Object) (long) a.area() : (Object) a.area());
        m.put("iscrowd", a.iscrowd() ? 1L : 0L);
        if (a.segmentation() != null && a.segmentation().rle() != null) {
            Rle r = a.segmentation().rle();
            Map<String, Object> rle = new LinkedHashMap<>();
            rle.put("size", List.of((long) r.height(), (long) r.width()));
            List<Long> counts = new ArrayList<>();
            for (int c : r.counts()) {
                counts.add((long) c);
            }
            rle.put("counts", counts);
            m.put("segmentation", rle);
        }
        return m;
    }

    public static Map<String, Object> toJson(CocoImage im) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", im.id());
        m.put("file_name", im.fileName());
        m.put("height", (long) im.height());
        m.put("width", (long) im.width());
        return m;
    }

    public static Map<String, Object> toJson(CocoCategory c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("name", c.name());
        if (c.supercategory() != null) {
            m.put("supercategory", c.supercategory());
        }
        return m;
    }
}
