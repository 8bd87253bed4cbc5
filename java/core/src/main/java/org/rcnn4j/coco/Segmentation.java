package org.rcnn4j.coco;

import java.util.ArrayList;
import java.util.List;

/**
 * An annotation's "segmentation": polygons (x0, y0, x1, y1, ...) in image pixels, or an RLE with its own size.
 * As in pycocotools, a polygon list whose first entry has exactly 4 numbers is read as [x, y, w, h] boxes.
 */
public record Segmentation(List<double[]> polygons, boolean boxes, Rle rle) {

    public static Segmentation ofRle(Rle rle) {
        return new Segmentation(null, false, rle);
    }

    public static Segmentation ofPolygons(List<double[]> polygons) {
        return new Segmentation(List.copyOf(polygons), polygons.get(0).length == 4, null);
    }

    /** pycocotools' annToRLE: polygons are rasterized at the image's size and merged; an RLE is kept as it is. */
    public Rle toRle(int h, int w) {
        if (rle != null) {
            return rle;
        }
        List<Rle> parts = new ArrayList<>(polygons.size());
        for (double[] p : polygons) {
            parts.add(boxes ? MaskApi.fromBbox(p, h, w) : MaskApi.fromPolygon(p, h, w));
        }
        return MaskApi.merge(parts, false);
    }
}
