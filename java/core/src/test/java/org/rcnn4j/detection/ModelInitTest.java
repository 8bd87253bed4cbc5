package org.rcnn4j.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rcnn4j.detection.backbone.Norm;
import org.rcnn4j.nn.Block;
import org.rcnn4j.nn.StateEntry;
import org.rcnn4j.tensor.Tensor;

/**
 * Every entry's initialization has the distribution of torchvision's: same constants exactly, and for random
 * entries the same mean, spread and range up to sampling noise (fixtures/model_keys/NAME.init.txt). Entries are
 * drawn one at a time and dropped, so no whole model is held in memory.
 */
class ModelInitTest {
    private static final long SEED = 20240601L;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "maskrcnn_resnet50_fpn, frozen, maskrcnn_resnet50_fpn_frozen",
            "maskrcnn_resnet50_fpn, batch, maskrcnn_resnet50_fpn",
            "vgg16, frozen, vgg16",
    })
    void initMatchesTorchvisionsDistributions(String name, String norm, String fixture) {
        Block m = Models.create(name, ModelOptions.defaults().withNorm(Norm.parse(norm)));
        Map<String, StateEntry> entries = m.stateEntries();
        List<String> lines = ModelKeysFixture.lines("/fixtures/model_keys/" + fixture + ".init.txt");
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(" ");
            StateEntry e = entries.get(f[0]);
            assertTrue(e != null, "model has " + f[0]);
            e.initialize(new SplittableRandom(SEED ^ f[0].hashCode()));
            String problem = compare(e.value(), Integer.parseInt(f[1]), Double.parseDouble(f[2]),
                    Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]));
            e.clear();
            if (problem != null) {
                failures.add(f[0] + ": " + problem);
            }
            checked++;
        }
        assertEquals(entries.size(), checked, "every entry checked");
        assertTrue(failures.isEmpty(), () -> "seed " + SEED + ":\n" + String.join("\n", failures));
    }

    /** null when {@code t}'s statistics are torchvision's, within sampling noise. */
    private static String compare(Tensor t, int n, double mean, double std, double min, double max) {
        if (t.numel() != n) {
            return "numel " + t.numel() + " vs " + n;
        }
        double[] s = stats(t);
        String got = String.format("mean %.6g std %.6g min %.6g max %.6g", s[0], s[1], s[2], s[3]);
        String want = String.format("mean %.6g std %.6g min %.6g max %.6g", mean, std, min, max);
        if (std == 0) { // a constant: exactly
            return s[1] == 0 && s[2] == min && s[3] == max ? null : got + " vs constant " + want;
        }
        if (n < 100) {
            return s[1] > 0 ? null : got + " vs random " + want;
        }
        double noise = 6 / Math.sqrt(n);
        boolean ok = Math.abs(s[0] - mean) <= noise * std
                && Math.abs(s[1] / std - 1) <= 0.02 + noise
                && Math.abs(s[2] - min) <= 0.15 * (max - min)
                && Math.abs(s[3] - max) <= 0.15 * (max - min);
        return ok ? null : got + " vs " + want;
    }

    private static double[] stats(Tensor t) {
        int n = t.numel();
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double v = t.getDouble(i);
            sum += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double mean = sum / n;
        double ss = 0;
        for (int i = 0; i < n; i++) {
            double d = t.getDouble(i) - mean;
            ss += d * d;
        }
        return new double[] {mean, n > 1 ? Math.sqrt(ss / (n - 1)) : 0, min, max};
    }
}
