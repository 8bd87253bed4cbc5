package org.rcnn4j.spark;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The ground truths an executor parsed, one per content hash, shared by its tasks until the executor stops. */
final class ExecutorGroundTruths {
    private static final Map<String, GroundTruthIndex> PARSED = new ConcurrentHashMap<>();

    private ExecutorGroundTruths() {
    }

    static GroundTruthIndex get(ShippedFile file) throws IOException {
        GroundTruthIndex g = PARSED.get(file.sha256());
        if (g != null) {
            return g;
        }
        synchronized (PARSED) {
            g = PARSED.get(file.sha256());
            if (g == null) {
                g = GroundTruthIndex.read(file.local());
                PARSED.put(file.sha256(), g);
            }
            return g;
        }
    }

    static void clear() {
        PARSED.clear();
    }
}
