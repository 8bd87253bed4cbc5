package org.rcnn4j.coco;

/** One entry of a COCO file's "categories". */
public record CocoCategory(long id, String name, String supercategory) {
}
