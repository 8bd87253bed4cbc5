package org.rcnn4j.cyclefixture.a;

import org.rcnn4j.cyclefixture.b.UsesA;

/** Half of a package cycle that PackageCyclesTest must report (test fixture; not part of any module's surface). */
public final class UsesB {
    private UsesB() {
    }

    public static int size(UsesA other) {
        return other == null ? 0 : 1;
    }
}
