package org.rcnn4j.cuda;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Where host synchronizations come from: with {@code rcnn4j.cuda.syncSites=true} each synchronization of a
 * {@link CudaDevice} is tallied under its call site, the first frames of the stack outside the CUDA plumbing
 * (packages {@code org.rcnn4j.cuda} and {@code org.rcnn4j.backend}), so that a budget test or a person chasing a
 * round trip sees which caller asks for it. Off by default: walking the stack costs microseconds per sync.
 */
public final class SyncSites {
    /** Frames kept per site: the caller that asked for the host value and the two callers above it. */
    private static final int DEPTH = 3;
    private static final Map<String, AtomicLong> COUNTS = new ConcurrentHashMap<>();

    private SyncSites() {
    }

    /** Whether tallying is on (the system property {@code rcnn4j.cuda.syncSites}, read on each call). */
    public static boolean enabled() {
        return Boolean.getBoolean("rcnn4j.cuda.syncSites");
    }

    static void record() {
        List<String> frames = StackWalker.getInstance().walk(s -> s
                .filter(f -> !plumbing(f.getClassName()))
                .limit(DEPTH)
                .map(f -> simple(f.getClassName()) + "." + f.getMethodName() + ":" + f.getLineNumber())
                .collect(Collectors.toList()));
        COUNTS.computeIfAbsent(String.join(" < ", frames), k -> new AtomicLong()).incrementAndGet();
    }

    private static boolean plumbing(String className) {
        return className.startsWith("org.rcnn4j.cuda.") || className.startsWith("org.rcnn4j.backend.");
    }

    private static String simple(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    /** Forgets every tally (call before the region to attribute). */
    public static void reset() {
        COUNTS.clear();
    }

    /** The tallies, largest first: call site ({@code "Class.method:line < caller < caller"}) to synchronizations. */
    public static Map<String, Long> snapshot() {
        List<Map.Entry<String, AtomicLong>> entries = new ArrayList<>(COUNTS.entrySet());
        entries.sort((a, b) -> Long.compare(b.getValue().get(), a.getValue().get()));
        Map<String, Long> out = new LinkedHashMap<>();
        entries.forEach(e -> out.put(e.getKey(), e.getValue().get()));
        return out;
    }

    /** One line per site, largest first ("  N  site"), for a log or a failing test's message. */
    public static String format() {
        StringBuilder b = new StringBuilder();
        snapshot().forEach((site, n) -> b.append(String.format("%5d  %s%n", n, site)));
        return b.toString();
    }
}
