/**
 * COCO's format and evaluation, as pycocotools does them: datasets and results files, RLE masks ({@link
 * org.rcnn4j.coco.MaskApi}, {@link org.rcnn4j.coco.Rle}) and {@link org.rcnn4j.coco.CocoEval}, whose AP numbers
 * match pycocotools'. It knows nothing of the detectors: {@code org.rcnn4j.train.DetectionResults} turns a
 * detector's output into COCO results.
 */
package org.rcnn4j.coco;
