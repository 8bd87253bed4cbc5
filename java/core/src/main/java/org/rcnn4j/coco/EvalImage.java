package org.rcnn4j.coco;

/**
 * COCOeval.evaluateImg's result for one image, category and area range: detections by decreasing score (at most
 * maxDets), per IoU threshold t the matched ground truth's id (0: none) and whether the detection is ignored, at
 * [t * dtScores.length + d] (flat: a COCO-sized evaluation holds about a million of these).
 */
record EvalImage(double[] dtScores, long[] dtMatches, boolean[] dtIgnore, boolean[] gtIgnore) {
}
