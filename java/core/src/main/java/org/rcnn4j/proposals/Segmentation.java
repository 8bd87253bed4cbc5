package org.rcnn4j.proposals;

/** A labelling of an image's pixels into {@code count} components numbered 0..count-1 (row-major). */
public record Segmentation(int width, int height, int[] labels, int count) {
}
