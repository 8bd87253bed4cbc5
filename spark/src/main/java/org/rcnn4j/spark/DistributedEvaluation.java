package org.rcnn4j.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.rcnn4j.coco.CocoEval;
import org.rcnn4j.coco.CocoParams;
import org.rcnn4j.coco.ImageEvaluation;
import org.rcnn4j.coco.LabelMap;
import org.rcnn4j.train.DetectionEvaluation;

/**
 * COCO evaluation of a results table against a ground-truth file, spread by image: the executors match each
 * partition's images (COCOeval's evaluate, the costly part), the driver combines them (accumulate, summarize)
 * into the numbers one COCOeval over all images gives.
 */
final class DistributedEvaluation {
    private DistributedEvaluation() {
    }

    static SparkEvaluation run(Dataset<Row> results, Path groundTruth, LabelMatching labels, String pathColumn)
            throws IOException {
        if (labels == null) {
            throw new IllegalArgumentException("labels: expected IDS or POSITIONS");
        }
        checkColumns(results.schema(), pathColumn);
        GroundTruthIndex gt = GroundTruthIndex.read(groundTruth);
        Dataset<Row> table = results.select(pathColumn, DetectionRows.DETECTIONS, DetectionRows.ERROR);
        // one pass over the table decides segm and checks the labels before any evaluation
        Row facts = table.selectExpr(
                "max(exists(detections, d -> d.mask is not null))",
                "max(exists(detections, d -> d.mask is null))",
                "max(array_max(transform(detections, d -> d.category_id)))").first();
        boolean masks = !facts.isNullAt(0) && facts.getBoolean(0);
        boolean maskless = !facts.isNullAt(1) && facts.getBoolean(1);
        if (masks && maskless) {
            throw new IllegalArgumentException("results: some detections have masks and others not; segm "
                    + "evaluation needs them for all or none");
        }
        LabelMap categories = LabelMap.of(gt.dataset());
        if (!facts.isNullAt(2)) {
            labels.mapping(categories).categoryId(facts.getInt(2)); // the largest label must have a category
        }
        ShippedFile shipped = ShippedFile.ship(results.sparkSession().sparkContext(), groundTruth);
        List<PartitionEvaluation.Result> parts = table.toJavaRDD()
                .mapPartitions(new PartitionEvaluation(shipped, labels, masks)).collect();

        List<String> notes = new ArrayList<>();
        Map<Long, String> seen = new HashMap<>();
        List<String> unmatched = new ArrayList<>();
        List<ImageEvaluation> bbox = new ArrayList<>();
        List<ImageEvaluation> segm = new ArrayList<>();
        int errors = 0;
        for (PartitionEvaluation.Result p : parts) {
            for (int i = 0; i < p.imageIds().size(); i++) {
                Long id = p.imageIds().get(i);
                if (id == null) {
                    unmatched.add(p.paths().get(i));
                } else if (seen.putIfAbsent(id, p.paths().get(i)) != null) {
                    throw new IllegalArgumentException("results: image " + id + " has two rows: "
                            + seen.get(id) + " and " + p.paths().get(i));
                }
            }
            errors += p.errors();
            bbox.addAll(p.bbox());
            if (masks) {
                segm.addAll(p.segm());
            }
        }
        if (!unmatched.isEmpty()) {
            throw new IllegalArgumentException("results: " + unmatched.size() + " row(s) name no image of "
                    + groundTruth + " (no file_name is the end of their path), e.g. "
                    + String.join(", ", unmatched.subList(0, Math.min(3, unmatched.size()))));
        }
        if (errors > 0) {
            notes.add(errors + " row(s) have an error; their images count with no detections");
        }
        // images without a row count with no detections, as COCOeval counts an image without results
        Set<Long> missing = new LinkedHashSet<>(gt.dataset().images().keySet());
        missing.removeAll(seen.keySet());
        if (!missing.isEmpty()) {
            notes.add(missing.size() + " of " + gt.dataset().images().size() + " ground-truth images have no row in "
                    + "the results; they count with no detections");
            bbox.addAll(new CocoEval(gt.subset(missing), List.of(), CocoParams.defaults(CocoParams.IouType.BBOX))
                    .evaluate().imageEvaluations());
            if (masks) {
                segm.addAll(new CocoEval(gt.subset(missing), List.of(),
                        CocoParams.defaults(CocoParams.IouType.SEGM)).evaluate().imageEvaluations());
            }
        }
        DetectionEvaluation.Summary box = summary(gt, CocoParams.IouType.BBOX, bbox);
        DetectionEvaluation.Summary mask = masks ? summary(gt, CocoParams.IouType.SEGM, segm) : null;
        return new SparkEvaluation(box, mask, gt.dataset().images().size(), List.copyOf(notes));
    }

    private static DetectionEvaluation.Summary summary(GroundTruthIndex gt, CocoParams.IouType type,
            List<ImageEvaluation> images) {
        CocoEval e = CocoEval.ofImages(gt.dataset(), CocoParams.defaults(type), images).accumulate();
        double[] stats = e.summarize();
        long[] cats = e.catIds();
        List<String> names = new ArrayList<>(cats.length);
        for (long c : cats) {
            names.add(e.category(c).name());
        }
        return new DetectionEvaluation.Summary(type, stats, e.summaryText(), cats, List.copyOf(names),
                e.perCategoryAp());
    }

    private static void checkColumns(StructType s, String pathColumn) {
        require(s, pathColumn, DataTypes.StringType);
        require(s, DetectionRows.DETECTIONS, DataTypes.createArrayType(DetectionRows.DETECTION, false));
        require(s, DetectionRows.ERROR, DataTypes.StringType);
    }

    private static void require(StructType s, String name, DataType type) {
        int i = indexOf(s, name);
        if (i < 0) {
            throw new IllegalArgumentException("results: no column '" + name + "' (columns: "
                    + String.join(", ", s.fieldNames()) + "); expected the output of Rcnn4jSpark.detect");
        }
        DataType got = s.fields()[i].dataType();
        if (!DataType.equalsIgnoreNullability(got, type)) {
            throw new IllegalArgumentException("results: column '" + name + "' is " + got.simpleString()
                    + ", expected " + type.simpleString());
        }
    }

    static int indexOf(StructType s, String name) {
        String[] names = s.fieldNames();
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        for (int i = 0; i < names.length; i++) {
            if (names[i].toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return i;
            }
        }
        return -1;
    }
}
