package org.rcnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.detection.ModelFile;
import org.rcnn4j.detection.ModelOptions;
import org.rcnn4j.detection.Models;
import org.rcnn4j.io.Safetensors;
import org.rcnn4j.io.json.Json;
import org.rcnn4j.nn.Block;
import org.rcnn4j.recipes.DetectorTraining;
import org.rcnn4j.tensor.Tensor;

/** Issue 17, items 4, 5, 7 and 9 at the command line: bad input exits 2 with one line naming what is wrong. */
class HardeningCommandTest {
    @TempDir
    Path dir;

    private static Path nmsIn() throws Exception {
        return Path.of(HardeningCommandTest.class.getResource("/examples/nms.in.safetensors").toURI());
    }

    @Test
    void setValuesAreDecimalNumbersOnly() throws Exception {
        String in = nmsIn().toString();
        for (String v : List.of("0.5f", "0x1p-1", "1d", "NaN", "Infinity", "0,5", "\u0660.5", "")) {
            Cli.run("op", "nms", "--in", in, "--set", "iou_threshold=" + v).assertUsageError("iou_threshold");
        }
        for (String v : List.of("0.5", "+0.5", ".5", "5e-1", "1")) {
            Cli.run("op", "nms", "--in", in, "--set", "iou_threshold=" + v).assertOk();
        }
    }

    @Test
    void roiAlignSamplingRatioIsBounded() throws Exception {
        Path in = Path.of(getClass().getResource("/examples/roi_align.in.safetensors").toURI());
        Cli.run("op", "roi_align", "--in", in.toString(), "--set", "output_size=2", "--set",
                "sampling_ratio=2147483647").assertUsageError("sampling_ratio", "<= 64");
        Cli.run("op", "roi_align", "--in", in.toString(), "--set", "output_size=2", "--set",
                "sampling_ratio=99999999999").assertUsageError("sampling_ratio");
    }

    @Test
    void hugeClassCountsAreAUsageError() {
        Cli.run("model", "maskrcnn_small", "--num-classes", "2147483647").assertUsageError("--num-classes");
        Cli.run("model", "maskrcnn_small", "--num-classes", "0").assertUsageError("--num-classes");
    }

    @Test
    void aFifoAsInputIsRefusedAtOnce() throws Exception {
        Path fifo = dir.resolve("in.safetensors");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Cli.Result r = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> Cli.run("op", "nms", "--in", fifo.toString(), "--set", "iou_threshold=0.5"));
        r.assertUsageError(fifo.toString(), "is a fifo");
    }

    @Test
    void aDirectoryAsOutputOrImageIsNamed() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out.safetensors"));
        Cli.run("op", "nms", "--in", nmsIn().toString(), "--set", "iou_threshold=0.5", "--out", out.toString())
                .assertUsageError(out.toString(), "is a directory");
        Path model = dir.resolve("model.safetensors");
        Cli.run("detect", dir.toString(), "--weights", model.toString(), "--out", dir.resolve("d").toString())
                .assertUsageError(dir.toString(), "is a directory");
    }

    /** Model files with a bad class list, an unknown model name or weights that do not fit: exit 2, not 1. */
    @Test
    void badModelFilesAreTheFilesFault() throws Exception {
        Block m = Models.create(Models.MASKRCNN_SMALL, ModelOptions.defaults().withNumClasses(3));
        m.initialize(1);
        Map<String, Tensor> sd = new LinkedHashMap<>(m.stateDict());
        Path good = dir.resolve("good.safetensors");
        Safetensors.write(good, sd, Map.of(ModelFile.MODEL_KEY, Models.MASKRCNN_SMALL, ModelFile.CLASSES_KEY,
                Json.write(List.of("a", "b"))));
        Path img = dir.resolve("x.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB),
                "png", img.toFile());
        String[][] cases = {
            {Models.MASKRCNN_SMALL, "[1,2]", "rcnn4j.classes[0] is not a class name"},
            {Models.MASKRCNN_SMALL, "{\"a\":1}", "not a non-empty JSON list"},
            {Models.MASKRCNN_SMALL, "[\"a\",", "rcnn4j.classes: JSON"},
            {Models.MASKRCNN_SMALL, "[\"a\",\"b\",\"c\"]", "do not fit maskrcnn_small with 3 classes"},
            {"resnet9000", "[\"a\",\"b\"]", "unknown model 'resnet9000'"},
        };
        for (String[] c : cases) {
            Path f = dir.resolve("bad.safetensors");
            Safetensors.write(f, sd, Map.of(ModelFile.MODEL_KEY, c[0], ModelFile.CLASSES_KEY, c[1]));
            Cli.run("detect", img.toString(), "--weights", f.toString(), "--out", dir.resolve("d").toString())
                    .assertUsageError(f.toString(), c[2]);
        }
        Map<String, Tensor> reshaped = new LinkedHashMap<>(sd);
        String k = reshaped.keySet().iterator().next();
        reshaped.put(k, Tensor.ofFloats(new float[] {1, 2}, 2));
        Path f = dir.resolve("reshaped.safetensors");
        Safetensors.write(f, reshaped, Map.of(ModelFile.MODEL_KEY, Models.MASKRCNN_SMALL, ModelFile.CLASSES_KEY,
                Json.write(List.of("a", "b"))));
        Cli.run("detect", img.toString(), "--weights", f.toString(), "--out", dir.resolve("d").toString())
                .assertUsageError(f.toString(), k + " is F32[2]");
        Cli.run("detect", img.toString(), "--weights", good.toString(), "--out", dir.resolve("d").toString())
                .assertOk();
    }

    @Test
    void outputsLargerThanATensorAreRefusedBeforeTheOpRuns() throws Exception {
        int n = 50_000;
        float[] b = new float[n * 4];
        for (int i = 0; i < n; i++) {
            b[4 * i + 2] = 1 + i % 7;
            b[4 * i + 3] = 1 + i % 5;
        }
        Path in = dir.resolve("iou.safetensors");
        Safetensors.write(in, Map.of("boxes1", Tensor.ofFloats(b, n, 4), "boxes2", Tensor.ofFloats(b.clone(), n, 4)),
                null);
        Cli.run("op", "box_iou", "--in", in.toString()).assertUsageError("'iou'", "50000 x 50000", "2^31-17");
        Path masks = Path.of(getClass().getResource("/examples/paste_masks.in.safetensors").toURI());
        Cli.run("op", "paste_masks", "--in", masks.toString(), "--set", "image_height=20", "--set", "image_width=30",
                "--set", "padding=1073741824").assertUsageError("padding=1073741824");
        Cli.run("op", "paste_masks", "--in", masks.toString(), "--set", "image_height=2000000", "--set",
                "image_width=30000").assertUsageError("'masks'");
    }

    /** An image that resizes to a zero side (torchvision fails inside interpolate): a usage error naming it. */
    @Test
    void extremeAspectRatiosAreNamed() throws Exception {
        Block m = Models.create(Models.MASKRCNN_SMALL, ModelOptions.defaults().withNumClasses(3));
        m.initialize(1);
        Path model = dir.resolve("model.safetensors");
        Safetensors.write(model, m.stateDict(), Map.of(ModelFile.MODEL_KEY, Models.MASKRCNN_SMALL,
                ModelFile.CLASSES_KEY, Json.write(List.of("a", "b"))));
        Path img = dir.resolve("thin.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(2000, 3,
                java.awt.image.BufferedImage.TYPE_INT_RGB), "png", img.toFile());
        Cli.run("detect", img.toString(), "--weights", model.toString(), "--out", dir.resolve("d").toString())
                .assertUsageError(img.toString(), "3x2000 would be resized to 0x");
    }

    /**
     * A 24 MP photo (6000x4000) with 100 detections, whose full-size masks (2.4 GB) would not fit one Java array:
     * detect keeps each mask at its paste window, so it draws and encodes them all in a 2 GB heap (a child JVM).
     */
    @Test
    void largePhotosGetTheirMasksInAModestHeap() throws Exception {
        Block m = Models.create(Models.MASKRCNN_SMALL, ModelOptions.defaults().withNumClasses(3));
        m.initialize(1);
        Path model = dir.resolve("model.safetensors");
        Safetensors.write(model, m.stateDict(), Map.of(ModelFile.MODEL_KEY, Models.MASKRCNN_SMALL,
                ModelFile.CLASSES_KEY, Json.write(List.of("a", "b"))));
        Path img = dir.resolve("big.png");
        java.awt.image.BufferedImage photo = new java.awt.image.BufferedImage(6000, 4000,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        java.awt.Graphics2D g = photo.createGraphics();
        for (int i = 0; i < 12; i++) { // a few shapes, so the photo is not one colour
            g.setColor(new java.awt.Color(40 + 17 * i, 40 + 17 * i, 40 + 17 * i));
            g.fillOval(250 + 460 * i, 300 + 250 * (i % 5), 900 - 40 * i, 700 + 60 * (i % 4));
        }
        g.dispose();
        javax.imageio.ImageIO.write(photo, "png", img.toFile());
        Path out = dir.resolve("d");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "--add-modules", "jdk.incubator.vector", "-cp", testClassPath(),
                "org.rcnn4j.cli.Main", "detect", img.toString(), "--weights", model.toString(), "--out",
                out.toString(), "--box-score-thresh", "0", "--box-detections-per-img", "100", "--score-thresh", "0");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), log);
        org.junit.jupiter.api.Assertions.assertTrue(log.contains("big.png: 100 detections"), log);
        org.rcnn4j.coco.CocoDataset gt = new org.rcnn4j.coco.CocoDataset(
                Map.of(1L, new org.rcnn4j.coco.CocoImage(1, 6000, 4000, "big.png")),
                Map.of(1L, new org.rcnn4j.coco.CocoCategory(1, "a", null),
                        2L, new org.rcnn4j.coco.CocoCategory(2, "b", null)), List.of());
        List<org.rcnn4j.coco.CocoAnnotation> results = org.rcnn4j.coco.CocoResults.read(
                out.resolve("detections.json"), gt);
        assertEquals(100, results.size());
        long masked = 0;
        for (org.rcnn4j.coco.CocoAnnotation r : results) {
            org.rcnn4j.coco.Rle rle = r.segmentation().rle();
            assertEquals(4000, rle.height(), "the full image's RLE");
            assertEquals(6000, rle.width(), "the full image's RLE");
            masked += rle.area() > 0 ? 1 : 0;
        }
        org.junit.jupiter.api.Assertions.assertTrue(masked > 0, "some masks must have pixels");
        java.awt.image.BufferedImage drawn = javax.imageio.ImageIO.read(out.resolve("big.png").toFile());
        assertEquals(6000, drawn.getWidth());
        assertEquals(4000, drawn.getHeight());
    }

    /** The same image inside a dataset: eval and train refuse it by file before any work, as detect does. */
    @Test
    void extremeAspectRatiosInADatasetAreNamed() throws Exception {
        Block m = Models.create(Models.MASKRCNN_SMALL, ModelOptions.defaults().withNumClasses(2));
        m.initialize(1);
        Path model = dir.resolve("model.safetensors");
        Safetensors.write(model, m.stateDict(), Map.of(ModelFile.MODEL_KEY, Models.MASKRCNN_SMALL,
                ModelFile.CLASSES_KEY, Json.write(List.of("a"))));
        Path data = Files.createDirectories(dir.resolve("data"));
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(64, 48,
                java.awt.image.BufferedImage.TYPE_INT_RGB), "png", data.resolve("ok.png").toFile());
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(2000, 3,
                java.awt.image.BufferedImage.TYPE_INT_RGB), "png", data.resolve("thin.png").toFile());
        Files.writeString(data.resolve("annotations.json"), """
                {"images": [{"id": 1, "width": 64, "height": 48, "file_name": "ok.png"},
                            {"id": 7, "width": 2000, "height": 3, "file_name": "thin.png"}],
                 "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [4, 4, 20, 20],
                                  "area": 400, "iscrowd": 0}],
                 "categories": [{"id": 1, "name": "a"}]}
                """);
        Cli.run("eval", "--weights", model.toString(), "--data", data.toString())
                .assertUsageError("thin.png (image 7)", "3x2000 would be resized to 0x");
        Cli.run("train", "--data", data.toString(), "--steps", "1", "--out", dir.resolve("t").toString())
                .assertUsageError("thin.png (image 7)", "3x2000 would be resized to 0x");
        assertFalse(Files.exists(dir.resolve("t").resolve("model.safetensors")));
    }

    /** This JVM's class path and module path (tests may run on either) as one class path for a child JVM. */
    private static String testClassPath() {
        String cp = System.getProperty("java.class.path", "");
        String mp = System.getProperty("jdk.module.path", "");
        return cp.isEmpty() ? mp : mp.isEmpty() ? cp : cp + java.io.File.pathSeparator + mp;
    }

    /** Under LANG=C Java cannot encode a non-ASCII path: exit 2 with advice, not an internal error. */
    @Test
    void aNonAsciiPathUnderAnAsciiLocaleIsAUsageError() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", testClassPath(),
                "org.rcnn4j.cli.Main", "detect", dir.resolve("\u00e9t\u00e9.png").toString(), "--weights", "w",
                "--out", "o");
        pb.environment().put("LANG", "C");
        pb.environment().put("LC_ALL", "C");
        pb.environment().remove("LC_CTYPE");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(2, p.waitFor(), out);
        org.junit.jupiter.api.Assertions.assertTrue(out.contains("rcnn4j: error: cannot use the path")
                && out.contains("LC_ALL=C.UTF-8"), out);
    }

    /** --steps 1: the default milestones (70% and 90% of the steps) both round to 1; one is kept. */
    @Test
    void oneStepHasAValidSchedule() {
        DetectorTraining.Settings s = new DetectorTraining.Settings(1, 1, 0.02, 100, null, 0.9, 1e-4, 10, 0.5, 0, 0);
        assertEquals("[1]", java.util.Arrays.toString(s.schedule().milestones()));
    }
}
