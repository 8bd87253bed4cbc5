package org.rcnn4j.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.rcnn4j.detector.Detector;
import org.rcnn4j.detector.DetectorOptions;

/**
 * The detectors of one executor JVM, shared by every task it runs: loaded on first use, keyed by the weights'
 * content hash and the options (the device included, so an executor with several GPUs holds one per GPU its tasks
 * were given), closed when the executor stops ({@link Rcnn4jSparkPlugin}; a JVM shutdown hook where the plugin is
 * not configured). A detector serializes its calls: tasks that share one take turns on it.
 */
final class ExecutorDetectors {
    private static final Map<String, Detector> LOADED = new ConcurrentHashMap<>();
    private static final Object LOADING = new Object();
    private static final AtomicInteger LOADS = new AtomicInteger();
    private static volatile boolean hookAdded;

    private ExecutorDetectors() {
    }

    /** The detector of these weights and options, loaded from the shipped file if this JVM has none yet. */
    static Detector get(ShippedFile weights, DetectorOptions options) throws IOException {
        String key = weights.sha256() + " " + options;
        Detector d = LOADED.get(key);
        if (d != null) {
            return d;
        }
        synchronized (LOADING) {
            d = LOADED.get(key);
            if (d == null) {
                addShutdownHook();
                d = Detector.load(weights.local(), options);
                LOADS.incrementAndGet();
                LOADED.put(key, d);
            }
            return d;
        }
    }

    /** Closes and forgets every detector (their device memory and backends). */
    static void closeAll() {
        synchronized (LOADING) {
            List<Detector> all = new ArrayList<>(LOADED.values());
            LOADED.clear();
            RuntimeException first = null;
            for (Detector d : all) {
                try {
                    d.close();
                } catch (RuntimeException e) {
                    first = first == null ? e : first;
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }

    /** How many detectors this JVM holds now. */
    static int held() {
        return LOADED.size();
    }

    /** How many times this JVM loaded a detector (tests: once per weights, options and device). */
    static int loads() {
        return LOADS.get();
    }

    private static void addShutdownHook() {
        if (!hookAdded) {
            hookAdded = true;
            Runtime.getRuntime().addShutdownHook(new Thread(ExecutorDetectors::closeAll, "rcnn4j-detectors-close"));
        }
    }
}
