/**
 * The detectors before Faster R-CNN: classify-and-localize on single-object scenes, and the original R-CNN
 * (selective search proposals, warped crops, a CNN's features, linear SVMs with hard negative mining, box
 * regression), with their training loops and evaluation.
 */
package org.rcnn4j.classic;
