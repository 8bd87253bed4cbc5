package org.rcnn4j.coco;

/**
 * A ground-truth annotation or a detection. bbox is [x, y, w, h]; score is NaN for ground truth; segmentation
 * may be null where the file has none.
 */
public record CocoAnnotation(long id, long imageId, long categoryId, double[] bbox, double area, boolean iscrowd,
        double score, Segmentation segmentation) {
}
