package org.rcnn4j.io.torch;

import java.io.IOException;

/** A pickle rcnn4j will not or cannot read (corrupt, or naming something other than tensor data). */
public final class PickleException extends IOException {
    public PickleException(String message) {
        super(message);
    }
}
