package org.rcnn4j.onednn;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether a test that needs oneDNN runs: system property {@code rcnn4j.test.onednn} = require (fail without the
 * library; CI sets it where it installed libdnnl2) or auto (default: skip, saying why, where it does not load).
 */
final class OneDnnTestSupport {
    private OneDnnTestSupport() {
    }

    static void requireOneDnn() {
        OneDnn.Status s = OneDnn.status();
        String mode = System.getProperty("rcnn4j.test.onednn", "auto").trim();
        if (mode.equals("require")) {
            Assertions.assertTrue(s.loaded(), "rcnn4j.test.onednn=require, but " + s.describe());
        }
        Assumptions.assumeTrue(s.loaded(), "skipped: needs oneDNN (libdnnl.so.3 or .so.2): " + s.describe());
    }

    /** After {@link #requireOneDnn()}: skips, saying why, where the loaded oneDNN lacks the 2.x convolution API. */
    static void requireConvolutions() {
        OneDnn.Status s = OneDnn.status();
        Assumptions.assumeTrue(s.convolutions(), "skipped: needs oneDNN 2.x's convolution API: " + s.describe());
    }
}
