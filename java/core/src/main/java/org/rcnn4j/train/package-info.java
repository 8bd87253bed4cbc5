/**
 * Training and evaluating detectors: {@link org.rcnn4j.train.Trainer} (SGD steps, learning-rate schedule, gradient
 * clipping, divergence checks), checkpoints, and {@link org.rcnn4j.train.DetectionEvaluation}, which runs a
 * detector over a dataset and scores it with COCO's evaluation ({@link org.rcnn4j.train.DetectionResults} converts
 * its detections).
 */
package org.rcnn4j.train;
