package org.rcnn4j.cyclefixture.b;

import org.rcnn4j.cyclefixture.a.UsesB;

/** The other half of the fixture cycle of PackageCyclesTest. */
public final class UsesA {
    private UsesA() {
    }

    public static int size(UsesB other) {
        return other == null ? 0 : 1;
    }
}
