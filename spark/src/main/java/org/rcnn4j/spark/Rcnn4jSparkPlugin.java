package org.rcnn4j.spark;

import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * Releases what an executor loaded (detectors, their device memory, parsed ground truth) when the executor stops.
 * Enable it with {@code --conf spark.plugins=org.rcnn4j.spark.Rcnn4jSparkPlugin}; the jobs add it themselves.
 * Without it the same happens when the executor's JVM exits.
 */
public final class Rcnn4jSparkPlugin implements SparkPlugin {
    /** The class name to list in {@code spark.plugins}. */
    public static final String NAME = Rcnn4jSparkPlugin.class.getName();

    @Override
    public DriverPlugin driverPlugin() {
        return null;
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return new ExecutorPlugin() {
            @Override
            public void shutdown() {
                try {
                    ExecutorDetectors.closeAll();
                } finally {
                    ExecutorGroundTruths.clear();
                }
            }
        };
    }

    /** {@code spark.plugins} with this plugin added to what {@code current} (may be null or empty) lists. */
    public static String addTo(String current) {
        if (current == null || current.isBlank()) {
            return NAME;
        }
        for (String p : current.split(",")) {
            if (p.trim().equals(NAME)) {
                return current;
            }
        }
        return current + "," + NAME;
    }
}
