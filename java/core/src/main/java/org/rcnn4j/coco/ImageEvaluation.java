package org.rcnn4j.coco;

import java.io.Serializable;

/**
 * One image's share of {@link CocoEval#evaluate()}: per evaluated category k (in catIds order, or the single
 * "all" without useCats) and area range a, at {@code [k * areaRanges + a]}, what evaluateImg returned; null where
 * the image has neither ground truth nor detections of the category. An image's evaluation depends on nothing but
 * its own ground truth and detections, so images evaluated apart (a cluster's executors, each with some of them)
 * combine into the evaluation of all ({@link CocoEval#ofImages}) with the same numbers, bit for bit.
 */
public record ImageEvaluation(long imageId, EvalImage[] results) implements Serializable {
}
