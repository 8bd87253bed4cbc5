package org.rcnn4j.spark;

import java.util.List;
import org.rcnn4j.train.DetectionEvaluation;

/**
 * COCO AP of a results table: the bbox summary, the segm summary when the detections have masks (else null), how
 * many images of the ground truth were evaluated, and notes on what the table lacked (images without a row, rows
 * with an error: each counts as an image with no detections, as COCOeval counts an image without results).
 */
public record SparkEvaluation(DetectionEvaluation.Summary bbox, DetectionEvaluation.Summary segm, int images,
        List<String> notes) {

    /** The summaries as {@code rcnn4j eval} and pycocotools print them, each under its iou type. */
    public String text() {
        return asResult().text();
    }

    /** One line per category: name, bbox AP and (with masks) segm AP, as {@code rcnn4j eval --per-class}. */
    public String perCategoryText() {
        return asResult().perCategoryText();
    }

    private DetectionEvaluation.Result asResult() {
        return new DetectionEvaluation.Result(bbox, segm, List.of(), images, 0);
    }
}
