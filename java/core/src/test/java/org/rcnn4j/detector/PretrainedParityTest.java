package org.rcnn4j.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.coco.Rle;
import org.rcnn4j.data.ImageFiles;
import org.rcnn4j.io.json.Json;
import org.rcnn4j.io.torch.TorchSave;
import org.rcnn4j.io.torch.TorchSave.FloatTensor;
import org.rcnn4j.tensor.Tensor;

/**
 * torchvision's COCO detectors end to end: a {@code .pth} file and a photo file through {@link Detector#load} and
 * {@link Detector#detect(Path)} give torchvision's own detections (recorded by gen_pretrained_parity.py at its
 * default thresholds: torchvision's maskrcnn_resnet50_fpn and fasterrcnn_resnet50_fpn as built for the published
 * weights, FrozenBatchNorm2d with eps 0, filled with seeded random weights scaled so that scores spread as a trained
 * model's do). The test draws the same weights from the seed and writes the {@code .pth} itself (zip or legacy
 * format, as torch.save does), since the files are ~170 MB.
 *
 * <p>Agreement: at least 98% of the detections matched both ways (a near-tie at the 100th may swap), a match
 * having the same label, every box coordinate within 0.5 px and the score within 1e-3; the matched masks' IoU has a
 * median of at least 0.99.
 */
class PretrainedParityTest {
    static final double MATCHED = 0.98;
    static final float BOX_TOL = 0.5f;
    static final float SCORE_TOL = 1e-3f;
    static final double MASK_IOU_MEDIAN = 0.99;

    @TempDir
    static Path dir;
    static List<Map<?, ?>> cases;

    @BeforeAll
    static void readExpected() throws IOException {
        try (InputStream in = PretrainedParityTest.class.getResourceAsStream(
                "/fixtures/pretrained_parity_expected.json")) {
            Map<?, ?> root = (Map<?, ?>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            cases = new ArrayList<>();
            for (Object c : (List<?>) root.get("cases")) {
                cases.add((Map<?, ?>) c);
            }
        }
    }

    @Test
    void maskRcnnAtTorchvisionsDefaultTransform() throws Exception {
        check("maskrcnn_resnet50_fpn", "astronaut.png", 800, 1333, false);
    }

    @Test
    void maskRcnnFromALegacyFormatFile() throws Exception {
        check("maskrcnn_resnet50_fpn", "coffee.png", 320, 480, true);
    }

    @Test
    void fasterRcnn() throws Exception {
        check("fasterrcnn_resnet50_fpn", "coffee.png", 384, 576, false);
    }

    static void check(String model, String photo, int minSize, int maxSize, boolean legacy) throws Exception {
        Map<?, ?> c = expectedCase(model, photo, minSize, maxSize);
        Path image = photo(photo);
        checkDecodedPixels(image, c);
        Path pth = dir.resolve(model + (legacy ? ".legacy.pth" : ".zip.pth"));
        LinkedHashMap<String, FloatTensor> sd = PretrainedWeights.stateDict(model);
        if (legacy) {
            TorchSave.legacy(pth, sd);
        } else {
            TorchSave.zip(pth, sd);
        }
        sd = null;
        List<Detection> got;
        DetectorOptions options = DetectorOptions.defaults().withModel(model).withSizes(minSize, maxSize);
        long t0 = System.nanoTime();
        try (Detector detector = Detector.load(pth, options)) {
            keepOrDelete(pth);
            long t1 = System.nanoTime();
            got = detector.detect(image);
            System.out.printf(Locale.ROOT, "%s %s %dx%d: load %.1f s, detect %.1f s%n", model, photo, minSize,
                    maxSize, (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9);
        }
        compare(model + " on " + photo, c, got);
    }

    /** The photo decodes to the pixels torchvision read (PNG is lossless; an ICC profile must not be applied). */
    static void checkDecodedPixels(Path image, Map<?, ?> c) throws IOException {
        Tensor t = ImageFiles.read(image);
        assertEquals(((Number) c.get("height")).intValue(), t.size(1));
        assertEquals(((Number) c.get("width")).intValue(), t.size(2));
        float[] v = t.floats();
        long sum = 0;
        long weighted = 0;
        for (int i = 0; i < v.length; i++) {
            long p = Math.round(v[i] * 255f);
            sum += p;
            weighted += p * i % 65521;
        }
        assertEquals(((Number) c.get("pixel_sum")).longValue(), sum, "pixel sum of " + image);
        assertEquals(((Number) c.get("pixel_weighted_sum")).longValue(), weighted, "weighted pixel sum of " + image);
    }

    static void compare(String what, Map<?, ?> c, List<Detection> got) {
        List<?> want = (List<?>) c.get("detections");
        assertTrue(want.size() >= 50, what + ": the fixture should hold many detections, has " + want.size());
        int h = ((Number) c.get("height")).intValue();
        int w = ((Number) c.get("width")).intValue();
        boolean[] used = new boolean[got.size()];
        int matched = 0;
        float maxBox = 0;
        float maxScore = 0;
        List<Double> ious = new ArrayList<>();
        List<String> unmatched = new ArrayList<>();
        for (Object o : want) {
            Map<?, ?> e = (Map<?, ?>) o;
            int label = ((Number) e.get("label")).intValue();
            float score = ((Number) e.get("score")).floatValue();
            List<?> b = (List<?>) e.get("box");
            float[] box = new float[4];
            for (int k = 0; k < 4; k++) {
                box[k] = ((Number) b.get(k)).floatValue();
            }
            int best = -1;
            float bestDiff = Float.MAX_VALUE;
            for (int j = 0; j < got.size(); j++) {
                Detection d = got.get(j);
                if (used[j] || d.classId() != label || Math.abs(d.score() - score) > SCORE_TOL) {
                    continue;
                }
                float diff = boxDiff(box, d);
                if (diff <= BOX_TOL && diff < bestDiff) {
                    best = j;
                    bestDiff = diff;
                }
            }
            if (best < 0) {
                unmatched.add("label " + label + " score " + score + " box " + Arrays.toString(box));
                continue;
            }
            used[best] = true;
            matched++;
            Detection d = got.get(best);
            maxBox = Math.max(maxBox, bestDiff);
            maxScore = Math.max(maxScore, Math.abs(d.score() - score));
            assertEquals(CocoClasses.names().get(label - 1), d.label());
            if (e.get("mask") != null) {
                ious.add(maskIou(Rle.fromCocoString((String) e.get("mask"), h, w), d.mask()));
            }
        }
        double median = Double.NaN;
        double min = Double.NaN;
        if (!ious.isEmpty()) {
            double[] s = ious.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
            min = s[0];
        }
        String report = String.format(Locale.ROOT, "%s: %d of %d expected and %d of %d found matched; max box "
                + "diff %.3g px, max score diff %.3g; mask IoU median %.4f, min %.4f", what, matched, want.size(),
                matched, got.size(), maxBox, maxScore, median, min);
        System.out.println(report);
        assertTrue(matched >= MATCHED * want.size() && matched >= MATCHED * got.size(),
                report + "\nunmatched expected: " + unmatched.subList(0, Math.min(5, unmatched.size())));
        if (!ious.isEmpty()) {
            assertTrue(median >= MASK_IOU_MEDIAN, report);
        }
    }

    static float boxDiff(float[] box, Detection d) {
        return Math.max(Math.max(Math.abs(box[0] - d.x1()), Math.abs(box[1] - d.y1())),
                Math.max(Math.abs(box[2] - d.x2()), Math.abs(box[3] - d.y2())));
    }

    /** Intersection over union of two masks of the image's size; two empty masks agree (1). */
    static double maskIou(Rle expected, BinaryMask got) {
        assertEquals(expected.height(), got.height());
        assertEquals(expected.width(), got.width());
        byte[] e = expected.decode(); // column-major
        long inter = 0;
        long union = 0;
        for (int x = 0; x < got.width(); x++) {
            for (int y = 0; y < got.height(); y++) {
                boolean a = e[x * got.height() + y] != 0;
                boolean b = got.get(x, y);
                inter += a && b ? 1 : 0;
                union += a || b ? 1 : 0;
            }
        }
        return union == 0 ? 1.0 : (double) inter / union;
    }

    static Map<?, ?> expectedCase(String model, String photo, int minSize, int maxSize) {
        for (Map<?, ?> c : cases) {
            if (c.get("model").equals(model) && c.get("photo").equals(photo)
                    && ((Number) c.get("min_size")).intValue() == minSize
                    && ((Number) c.get("max_size")).intValue() == maxSize) {
                return c;
            }
        }
        throw new IllegalStateException("no recorded case " + Arrays.asList(model, photo, minSize, maxSize));
    }

    static Path photo(String name) throws URISyntaxException {
        return Path.of(PretrainedParityTest.class.getResource("/photos/" + name).toURI());
    }

    /** -Drcnn4j.parity.keep=DIR keeps the written .pth there (for gen_pretrained_parity.py --check). */
    static void keepOrDelete(Path pth) throws IOException {
        String keep = System.getProperty("rcnn4j.parity.keep");
        if (keep != null && !keep.isEmpty()) {
            Files.move(pth, Path.of(keep).resolve(pth.getFileName()),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.delete(pth);
        }
    }
}
