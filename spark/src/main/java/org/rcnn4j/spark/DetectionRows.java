package org.rcnn4j.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.rcnn4j.coco.CocoAnnotation;
import org.rcnn4j.coco.Rle;
import org.rcnn4j.coco.Segmentation;
import org.rcnn4j.detector.Detection;

/**
 * The {@code detections} column: per image an array of structs in COCO's results vocabulary,
 * {@code category_id} (the model's label; COCO's category id for torchvision's COCO detectors), {@code label}
 * (its name), {@code score}, {@code bbox} ([x, y, width, height] in the image's pixels) and {@code mask} (COCO's
 * compressed RLE, {@code size} [height, width] and {@code counts}; null without masks), by decreasing score.
 */
public final class DetectionRows {
    public static final String DETECTIONS = "detections";
    public static final String ERROR = "error";

    public static final StructType MASK = new StructType(new StructField[] {
        DataTypes.createStructField("size", DataTypes.createArrayType(DataTypes.IntegerType, false), false),
        DataTypes.createStructField("counts", DataTypes.StringType, false),
    });
    public static final StructType DETECTION = new StructType(new StructField[] {
        DataTypes.createStructField("category_id", DataTypes.IntegerType, false),
        DataTypes.createStructField("label", DataTypes.StringType, false),
        DataTypes.createStructField("score", DataTypes.FloatType, false),
        DataTypes.createStructField("bbox", DataTypes.createArrayType(DataTypes.DoubleType, false), false),
        DataTypes.createStructField("mask", MASK, true),
    });

    private DetectionRows() {
    }

    /** The column's type: null for an image with an error. */
    static StructField detectionsField() {
        return DataTypes.createStructField(DETECTIONS, DataTypes.createArrayType(DETECTION, false), true);
    }

    static StructField errorField() {
        return DataTypes.createStructField(ERROR, DataTypes.StringType, true);
    }

    static Row[] toRows(List<Detection> detections) {
        Row[] out = new Row[detections.size()];
        for (int i = 0; i < out.length; i++) {
            Detection d = detections.get(i);
            // as DetectionResults writes a box: float corners widened to double, then width and height
            double x1 = d.x1();
            double y1 = d.y1();
            double[] bbox = {x1, y1, d.x2() - x1, d.y2() - y1};
            Row mask = null;
            if (d.mask() != null) {
                Rle rle = d.mask().toRle();
                mask = RowFactory.create(new int[] {rle.height(), rle.width()}, rle.toCocoString());
            }
            out[i] = RowFactory.create(d.classId(), d.label(), d.score(), bbox, mask);
        }
        return out;
    }

    /**
     * One image's detections as COCO results, ids from {@code firstId} on, category ids through {@code labels}
     * (for ids, as in rcnn4j eval, a category the ground truth lacks is left to COCOeval, which ignores it), areas as {@link org.rcnn4j.train.DetectionResults#of}
     * gives them (box w * h).
     */
    static List<CocoAnnotation> toAnnotations(long imageId, List<Row> detections, LabelToCategory labels,
            long firstId) {
        List<CocoAnnotation> out = new ArrayList<>(detections.size());
        for (Row r : detections) {
            long category = labels.categoryId(r.getInt(0));
            List<Double> b = r.getList(3);
            if (b.size() != 4) {
                throw new IllegalArgumentException("bbox: expected [x, y, width, height], got " + b);
            }
            double[] bbox = {b.get(0), b.get(1), b.get(2), b.get(3)};
            Segmentation seg = null;
            if (!r.isNullAt(4)) {
                Row m = r.getStruct(4);
                List<Integer> size = m.getList(0);
                seg = Segmentation.ofRle(Rle.fromCocoString(m.getString(1), size.get(0), size.get(1)));
            }
            out.add(new CocoAnnotation(firstId + out.size(), imageId, category, bbox, bbox[2] * bbox[3], false,
                    r.getFloat(2), seg));
        }
        return out;
    }

    /** Maps a model's label to a ground truth's category id. */
    @FunctionalInterface
    interface LabelToCategory {
        long categoryId(int label);
    }
}
