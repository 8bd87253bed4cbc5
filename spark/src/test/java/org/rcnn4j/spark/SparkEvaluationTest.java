package org.rcnn4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rcnn4j.spark.SparkFixture.SCENES;
import static org.rcnn4j.spark.SparkFixture.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.rcnn4j.coco.CocoAnnotation;
import org.rcnn4j.coco.CocoDataset;
import org.rcnn4j.coco.CocoImage;
import org.rcnn4j.coco.CocoParams;
import org.rcnn4j.coco.Rle;
import org.rcnn4j.coco.Segmentation;
import org.rcnn4j.train.DetectionEvaluation;
import org.rcnn4j.train.DetectionResults;

/**
 * The distributed evaluation on a results table made from the ground truth (boxes moved a little, scores drawn,
 * some false positives): the numbers of one COCOeval over the same detections, bit for bit, at an AP a real
 * detector would have; images without a row count with no detections; rows that name no image or one image twice
 * are refused.
 */
class SparkEvaluationTest {
    static final StructType TABLE = DataTypes.createStructType(List.of(
            DataTypes.createStructField("path", DataTypes.StringType, false),
            DetectionRows.detectionsField(), DetectionRows.errorField()));

    /** Per image of the ground truth (but {@code skip}) a row, and the same detections as COCO results. */
    static Dataset<Row> table(CocoDataset gt, long skip, List<CocoAnnotation> asResults) {
        Random rnd = new Random(3);
        List<Row> rows = new ArrayList<>();
        for (CocoImage im : gt.images().values()) {
            if (im.id() == skip) {
                continue;
            }
            List<CocoAnnotation> mine = new ArrayList<>();
            for (CocoAnnotation a : gt.annotations()) {
                if (a.imageId() != im.id()) {
                    continue;
                }
                double[] b = a.bbox();
                double[] moved = {b[0] + rnd.nextGaussian(), b[1] + rnd.nextGaussian(), b[2] * (0.9 + 0.2
                        * rnd.nextDouble()), b[3]};
                Segmentation mask = Segmentation.ofRle(a.segmentation().toRle(im.height(), im.width()));
                // a true positive and, at a lower score, a false one of another class
                mine.add(new CocoAnnotation(0, im.id(), a.categoryId(), moved, 0, false, rnd.nextFloat(), mask));
                mine.add(new CocoAnnotation(0, im.id(), a.categoryId() % 10 + 1, moved, 0, false,
                        rnd.nextFloat() * 0.5f, mask));
            }
            mine.sort((x, y) -> Double.compare(y.score(), x.score()));
            List<Row> dets = new ArrayList<>();
            for (CocoAnnotation d : mine) {
                dets.add(detection(d.categoryId(), (float) d.score(), d.bbox(), d.segmentation().rle()));
                asResults.add(new CocoAnnotation(asResults.size() + 1, im.id(), d.categoryId(), d.bbox(),
                        d.bbox()[2] * d.bbox()[3], false, d.score(), d.segmentation()));
            }
            rows.add(RowFactory.create("file:" + SCENES.resolve(im.fileName()), dets.toArray(Row[]::new), null));
        }
        return spark().createDataFrame(rows, TABLE).repartition(3);
    }

    static Row detection(long category, float score, double[] bbox, Rle mask) {
        return RowFactory.create((int) category, "c" + category, score, bbox,
                RowFactory.create(new int[] {mask.height(), mask.width()}, mask.toCocoString()));
    }

    @Test
    void theNumbersOfOneCocoEvalBitForBit() throws Exception {
        Path gtFile = SCENES.resolve("annotations.json");
        CocoDataset gt = CocoDataset.read(gtFile);
        long skipped = gt.images().keySet().iterator().next();
        List<CocoAnnotation> results = new ArrayList<>();
        SparkEvaluation e = Rcnn4jSpark.evaluate(table(gt, skipped, results), gtFile, LabelMatching.IDS);
        double[] box = DetectionEvaluation.score(gt, DetectionResults.forBbox(results), CocoParams.IouType.BBOX)
                .stats();
        double[] segm = DetectionEvaluation.score(gt, DetectionResults.forSegm(results), CocoParams.IouType.SEGM)
                .stats();
        assertArrayEquals(box, e.bbox().stats(), 0.0);
        assertArrayEquals(segm, e.segm().stats(), 0.0);
        assertTrue(box[1] > 0.5 && segm[1] > 0.5, "AP50 of a good detector: " + box[1] + ", " + segm[1]);
        assertEquals(List.of("1 of 8 ground-truth images have no row in the results; they count with no detections"),
                e.notes());
        assertEquals(8, e.images());
        assertTrue(e.text().startsWith("IoU metric: bbox\n"), e.text());
        // by position: the scenes' categories are 1..10, so positions are the ids
        assertArrayEquals(box, Rcnn4jSpark.evaluate(table(gt, skipped, new ArrayList<>()), gtFile,
                LabelMatching.POSITIONS).bbox().stats(), 0.0);
    }

    @Test
    void rowsThatNameNoImageOrOneImageTwiceAreRefused() throws Exception {
        Path gtFile = SCENES.resolve("annotations.json");
        CocoDataset gt = CocoDataset.read(gtFile);
        Dataset<Row> t = table(gt, -1, new ArrayList<>());
        Dataset<Row> stranger = t.union(spark().createDataFrame(List.of(RowFactory.create("file:/elsewhere/x.png",
                new Row[0], null)), TABLE));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> Rcnn4jSpark.evaluate(stranger, gtFile, LabelMatching.IDS));
        assertTrue(none.getMessage().startsWith("results: 1 row(s) name no image of ")
                && none.getMessage().endsWith("e.g. file:/elsewhere/x.png"), none.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> Rcnn4jSpark.evaluate(t.union(t.limit(1)), gtFile, LabelMatching.IDS));
        assertTrue(twice.getMessage().contains("has two rows"), twice.getMessage());
        IllegalArgumentException label = assertThrows(IllegalArgumentException.class,
                () -> Rcnn4jSpark.evaluate(t.union(spark().createDataFrame(List.of(RowFactory.create(
                        "file:/x.png", new Row[] {detection(11, 0.5f, new double[] {0, 0, 1, 1},
                                new Rle(1, 1, new int[] {0, 1}))}, null)), TABLE)), gtFile, LabelMatching.POSITIONS));
        assertTrue(label.getMessage().startsWith("category_id: label 11 has no category"), label.getMessage());
        IllegalArgumentException columns = assertThrows(IllegalArgumentException.class,
                () -> Rcnn4jSpark.evaluate(t.drop("error"), gtFile, LabelMatching.IDS));
        assertTrue(columns.getMessage().startsWith("results: no column 'error'"), columns.getMessage());
    }
}
