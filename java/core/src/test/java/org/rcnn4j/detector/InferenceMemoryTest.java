package org.rcnn4j.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Inference frees its intermediates as torch does: maskrcnn_resnet50_fpn (the parity tests' seeded weights: dozens
 * of detections with masks) on an 800x1200 photo (padded to 800x1216) runs in a JVM limited to a 1 GB heap
 * ({@code -Xmx1g}; it needed -Xmx4g while every activation lived until detect() returned), and the most bytes its
 * Vars hold at once stays within a bound computed from the network's shapes. One ResNet-50-FPN forward, in a child
 * JVM ({@link InferenceMemoryRun}) so that the heap limit is its own.
 */
class InferenceMemoryTest {
    /** The padded batch: 800x1216 (800x1200 rounded up to a multiple of 32). */
    static final int H = 800;
    static final int W = 1216;

    @Test
    void maskRcnnResNet50FpnAt800x1216RunsInAGigabyteOfHeap() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx1g", "-XX:+ExitOnOutOfMemoryError",
                "--add-modules", "jdk.incubator.vector", "-cp", testClassPath(), InferenceMemoryRun.class.getName());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.MINUTES), "the child JVM did not end");
        assertEquals(0, p.exitValue(), "detect under -Xmx1g failed (OutOfMemoryError?):\n" + out);
        Map<String, Long> r = parse(out);
        assertTrue(r.get("detections") >= 50, "the seeded weights should detect many objects:\n" + out);
        assertEquals(r.get("detections"), r.get("masks"), out);
        long bound = liveBound();
        long peak = r.get("peak_live_bytes");
        System.out.printf(Locale.ROOT, "maskrcnn_resnet50_fpn at %dx%d: peak live %.1f MB (bound %.1f MB), weights "
                + "%.1f MB%n", H, W, peak / 1e6, bound / 1e6, r.get("weights_bytes") / 1e6);
        assertTrue(peak <= bound, "Vars held " + peak + " bytes at once, more than the " + bound + " the shapes "
                + "allow:\n" + out);
    }

    /**
     * The most a forward pass that frees each intermediate after its last use needs at once, from the shapes (F32):
     * in the backbone, the trunk's four maps C2..C5, the pyramid P2..P6 and three stride-4 maps of 256 channels (a
     * residual block's branch, identity and sum; an FPN level's lateral, upsampled map and sum); in the heads, the
     * pyramid, the box branch's 1000 RoIs pooled 7x7 at each of the four levels and merged, and one more stride-4
     * map. Everything retained until detect() returns would be gigabytes.
     */
    static long liveBound() {
        long s4 = 256L * (H / 4) * (W / 4) * 4;
        long trunk = 0;
        long pyramid = 0;
        for (int level = 0; level < 4; level++) {
            int stride = 4 << level;
            trunk += (256L << level) * (H / stride) * (W / stride) * 4;
            pyramid += 256L * (H / stride) * (W / stride) * 4;
        }
        pyramid += 256L * ((H / 32 + 1) / 2) * ((W / 32 + 1) / 2) * 4; // "pool": max_pool2d(P5, 1, 2)
        long boxPool = 5L * 1000 * 256 * 7 * 7 * 4;
        return Math.max(trunk + pyramid + 3 * s4, pyramid + boxPool + s4);
    }

    private static Map<String, Long> parse(String out) {
        Map<String, Long> r = new HashMap<>();
        for (String line : out.split("\n")) {
            if (!line.startsWith("detections=")) {
                continue;
            }
            for (String kv : line.trim().split(" ")) {
                String[] p = kv.split("=");
                if (!p[0].equals("padded")) {
                    r.put(p[0], Long.parseLong(p[1]));
                }
            }
        }
        assertTrue(r.keySet().containsAll(List.of("detections", "masks", "peak_live_bytes", "weights_bytes")),
                "no result line from the child:\n" + out);
        return r;
    }

    /** This JVM's class path and module path (tests may run on either) as one class path for the child. */
    private static String testClassPath() {
        String cp = System.getProperty("java.class.path", "");
        String mp = System.getProperty("jdk.module.path", "");
        return cp.isEmpty() ? mp : mp.isEmpty() ? cp : cp + File.pathSeparator + mp;
    }
}
