package org.rcnn4j.cli;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/** Option-name sets of the commands. */
final class Sets {
    private Sets() {
    }

    /** An unmodifiable set of both collections' elements. */
    static Set<String> union(Collection<String> a, Collection<String> b) {
        Set<String> s = new HashSet<>(a);
        s.addAll(b);
        return Set.copyOf(s);
    }
}
