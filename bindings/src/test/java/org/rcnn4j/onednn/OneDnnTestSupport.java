package org.rcnn4j.onednn;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether a test that needs oneDNN runs: system property {@code rcnn4j.test.onednn} = require (fail without the
 * library; CI sets it where it installed libdnnl2) or auto (default: skip, saying why, where it does not load).
 * {@code rcnn4j.test.onednn.major} = 2 or 3 also fails the tests when the oneDNN loaded is of another major version,
 * or its convolution API was not found (tools/test_onednn3.sh, against Debian 13's oneDNN 3).
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
        String major = System.getProperty("rcnn4j.test.onednn.major", "").trim();
        if (!major.isEmpty()) {
            Assertions.assertTrue(s.loaded() && s.version().startsWith(major + "."),
                    "rcnn4j.test.onednn.major=" + major + ", but " + s.describe());
            // its convolution API was found: used, or withheld by the check that ran it
            Assertions.assertTrue(s.convolutions() || s.convolutionsWithheld() != null,
                    "rcnn4j.test.onednn.major=" + major + ", but " + s.describe());
        }
        Assumptions.assumeTrue(s.loaded(), "skipped: needs oneDNN (libdnnl.so.3, .so.3.N or .so.2): " + s.describe());
    }

    /**
     * After {@link #requireOneDnn()}: skips, saying why, where the loaded oneDNN's convolutions are not used (no
     * convolution API, or they failed rcnn4j's check); fails instead with {@code rcnn4j.test.onednn.convolutions} =
     * require.
     */
    static void requireConvolutions() {
        OneDnn.Status s = OneDnn.status();
        if (System.getProperty("rcnn4j.test.onednn.convolutions", "").trim().equals("require")) {
            Assertions.assertTrue(s.convolutions(), "rcnn4j.test.onednn.convolutions=require, but " + s.describe());
        }
        Assumptions.assumeTrue(s.convolutions(), "skipped: needs oneDNN's convolutions: " + s.describe());
    }
}
