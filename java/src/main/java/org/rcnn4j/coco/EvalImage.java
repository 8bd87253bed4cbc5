package org.rcnn4j.coco;

/**
 * COCOeval.evaluateImg's result for one image, category and area range: detections by decreasing score (at most
 * maxDets), per IoU threshold the matched ground truth's id (0: none) and whether the detection is ignored.
 */
record EvalImage(double[] dtScores, long[][] dtMatches, boolean[][] dtIgnore, boolean[] gtIgnore) {
}
