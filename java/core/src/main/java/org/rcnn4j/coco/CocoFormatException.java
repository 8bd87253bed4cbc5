package org.rcnn4j.coco;

/** A COCO file that does not hold what the format requires; the message names the file, the entry and why. */
public final class CocoFormatException extends IllegalArgumentException {
    public CocoFormatException(String message) {
        super(message, null);
    }
}
