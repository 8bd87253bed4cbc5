package org.rcnn4j.coco;

/** One entry of a COCO file's "images". */
public record CocoImage(long id, int width, int height, String fileName) {
}
