package org.rcnn4j.coco;

import java.io.Serializable;

/**
 * COCOeval.evaluateImg's result for one image, category and area range: detections by decreasing score (at most
 * maxDets), per IoU threshold t the matched ground truth's id (0: none) and whether the detection is ignored, at
 * [t * dtScores.length + d] (flat: a COCO-sized evaluation holds about a million of these), and which ground truth
 * is ignored. Serializable, so that images evaluated apart (on a cluster) can be combined
 * ({@link ImageEvaluation}).
 */
public record EvalImage(double[] dtScores, long[] dtMatches, boolean[] dtIgnore, boolean[] gtIgnore)
        implements Serializable {
}
