package org.rcnn4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.rcnn4j.coco.CocoAnnotation;
import org.rcnn4j.coco.CocoDataset;
import org.rcnn4j.coco.CocoEval;
import org.rcnn4j.coco.CocoParams;
import org.rcnn4j.coco.ImageEvaluation;
import org.rcnn4j.coco.LabelMap;
import org.rcnn4j.train.DetectionResults;

/**
 * COCOeval's per-image work (IoUs, matching) for the images of one partition of a results table (rows of path,
 * detections, error), on the executor: its answer goes to the driver, which combines every partition's.
 */
final class PartitionEvaluation implements FlatMapFunction<Iterator<Row>, PartitionEvaluation.Result> {
    private static final long serialVersionUID = 1L;
    private final ShippedFile groundTruth;
    private final LabelMatching labels;
    private final boolean segm;

    /**
     * @param imageIds  per row, in order, the image id (null: no image of the ground truth has that path)
     * @param paths     per row its path
     * @param errors    how many rows had an error (their images count with no detections)
     * @param bbox      per matched image its bbox evaluation
     * @param segm      per matched image its segm evaluation, or null when not asked
     */
    record Result(List<Long> imageIds, List<String> paths, int errors, List<ImageEvaluation> bbox,
            List<ImageEvaluation> segm) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    PartitionEvaluation(ShippedFile groundTruth, LabelMatching labels, boolean segm) {
        this.groundTruth = groundTruth;
        this.labels = labels;
        this.segm = segm;
    }

    @Override
    public Iterator<Result> call(Iterator<Row> rows) throws Exception {
        GroundTruthIndex gt = ExecutorGroundTruths.get(groundTruth);
        DetectionRows.LabelToCategory toCategory = labels.mapping(LabelMap.of(gt.dataset()));
        List<Long> ids = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        Map<Long, Boolean> images = new LinkedHashMap<>();
        List<CocoAnnotation> results = new ArrayList<>();
        int errors = 0;
        while (rows.hasNext()) {
            Row r = rows.next();
            String path = r.getString(0);
            Long id = path == null ? null : gt.imageId(path);
            ids.add(id);
            paths.add(path);
            if (id == null) {
                continue;
            }
            if (images.put(id, Boolean.TRUE) != null) {
                continue; // the driver reports the duplicate; it is evaluated once
            }
            if (!r.isNullAt(2)) {
                errors++;
                continue;
            }
            if (!r.isNullAt(1)) {
                // detection ids need only be distinct within this evaluation
                results.addAll(DetectionRows.toAnnotations(id, r.getList(1), toCategory, results.size() + 1L));
            }
        }
        if (images.isEmpty()) {
            return List.of(new Result(ids, paths, errors, List.of(), segm ? List.of() : null)).iterator();
        }
        CocoDataset mine = gt.subset(images.keySet());
        List<ImageEvaluation> bbox = new CocoEval(mine, DetectionResults.forBbox(results),
                CocoParams.defaults(CocoParams.IouType.BBOX)).evaluate().imageEvaluations();
        List<ImageEvaluation> masks = !segm ? null
                : new CocoEval(mine, DetectionResults.forSegm(results), CocoParams.defaults(CocoParams.IouType.SEGM))
                        .evaluate().imageEvaluations();
        return List.of(new Result(ids, paths, errors, bbox, masks)).iterator();
    }
}
