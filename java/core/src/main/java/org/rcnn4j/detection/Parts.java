package org.rcnn4j.detection;

import org.rcnn4j.nn.Block;

/** Checks on the parts a detector is assembled from. */
final class Parts {
    private Parts() {
    }

    /** {@code part} as the Block it must be (its parameters become the detector's), or an error naming it. */
    static Block block(String name, Object part) {
        if (part == null) {
            throw new IllegalArgumentException(name + ": must not be null");
        }
        if (!(part instanceof Block b)) {
            throw new IllegalArgumentException(name + ": must be a Block (org.rcnn4j.nn.Block), got "
                    + part.getClass().getName());
        }
        return b;
    }
}
