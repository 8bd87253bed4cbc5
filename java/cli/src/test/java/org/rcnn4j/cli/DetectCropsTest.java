package org.rcnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Backends;
import org.rcnn4j.coco.CocoAnnotation;
import org.rcnn4j.coco.LabelMap;
import org.rcnn4j.data.CocoDetectionDataset;
import org.rcnn4j.data.FashionMnist;
import org.rcnn4j.data.ImageFiles;
import org.rcnn4j.detection.GeneralizedRcnn;
import org.rcnn4j.detection.ImageDetections;
import org.rcnn4j.detection.MaskCrop;
import org.rcnn4j.detection.MaskOutput;
import org.rcnn4j.detection.ModelFile;
import org.rcnn4j.detection.ModelOptions;
import org.rcnn4j.detection.Models;
import org.rcnn4j.detector.DetectorWeights;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.train.DetectionEvaluation;
import org.rcnn4j.train.DetectionResults;
import org.rcnn4j.viz.DetectionPictures;

/**
 * detect and eval keep each mask at its paste window: detect's pictures and detections.json, and eval's results and
 * summaries, are byte for byte what the full-size masks (the path they took before) give, for normal photos.
 */
class DetectCropsTest {
    @TempDir
    Path dir;

    @Test
    void picturesAndResultsAreThoseOfTheFullSizeMasks() throws IOException {
        GeneralizedRcnn seeded = Models.maskrcnnSmall(ModelOptions.defaults());
        seeded.initialize(3);
        Path weights = dir.resolve("model.safetensors");
        ModelFile.write(weights, Models.MASKRCNN_SMALL, seeded, FashionMnist.CLASS_NAMES);
        Path scenes = dir.resolve("scenes");
        Cli.run("scenes", "--count", "2", "--out", scenes.toString(), "--seed", "5").assertOk();
        List<Path> photos = List.of(scenes.resolve("images/000000.png"), scenes.resolve("images/000001.png"));
        Path out = dir.resolve("out");
        Cli.run("detect", photos.get(0).toString(), photos.get(1).toString(), "--weights", weights.toString(),
                "--out", out.toString(), "--box-score-thresh", "0", "--score-thresh", "0.2").assertOk();

        // the full-size path, as detect took it before: binary masks [D, 1, H, W] thresholded at > 0.5
        DetectorWeights w = DetectorWeights.read(weights, null, null);
        GeneralizedRcnn model = w.network();
        model.setBoxInference(0f, model.config().boxNmsThresh(), model.config().boxDetectionsPerImg());
        model.eval();
        try (Backend cpu = Backends.create("cpu")) {
            model.to(cpu);
            try {
                compare(model, w.classNames(), photos, out);
            } finally {
                model.release();
            }
        }
    }

    /** Detects with full-size masks and with crops, and compares with what detect wrote to {@code out}. */
    private void compare(GeneralizedRcnn model, List<String> classNames, List<Path> photos, Path out)
            throws IOException {
        List<CocoAnnotation> results = new ArrayList<>();
        Path before = Files.createDirectories(dir.resolve("before"));
        int masked = 0;
        int partial = 0;
        for (int i = 0; i < photos.size(); i++) {
            Tensor image = ImageFiles.read(photos.get(i));
            ImageDetections full = model.detect(List.of(image), MaskOutput.above(0.5f)).get(0);
            ImageDetections cropped = model.detect(List.of(image), MaskOutput.above(0.5f).asCrops()).get(0);
            assertNull(cropped.masks());
            assertTrue(full.count() > 10, "the mask branch must run on many detections, got " + full.count());
            for (MaskCrop c : cropped.crops()) {
                partial += c.width() < image.size(2) || c.height() < image.size(1) ? 1 : 0;
            }
            List<CocoAnnotation> mine = DetectionResults.of(i + 1, full, LabelMap.identity(classNames),
                    results.size() + 1);
            for (CocoAnnotation a : mine) {
                masked += a.segmentation().rle().area() > 0 ? 1 : 0;
            }
            results.addAll(mine);
            String stem = photos.get(i).getFileName().toString().replace(".png", "");
            DetectionPictures.write(before.resolve(stem + ".png"), image, full, classNames, 0.2f, 1);
            assertEquals(-1, Files.mismatch(before.resolve(stem + ".png"), out.resolve(stem + ".png")),
                    stem + ".png differs from the full-size masks' picture");
        }
        assertTrue(masked > 0, "some masks must have pixels");
        assertTrue(partial > 0, "some windows must be smaller than the photo");
        DetectionResults.write(before.resolve("detections.json"), results);
        assertEquals(-1, Files.mismatch(before.resolve("detections.json"), out.resolve("detections.json")),
                "detections.json differs from the full-size masks' results");
    }

    /** eval, which keeps the masks at their windows too, writes what the full-size probabilities give. */
    @Test
    void evalWritesWhatTheFullSizeMasksGive() throws IOException {
        GeneralizedRcnn seeded = Models.maskrcnnSmall(ModelOptions.defaults());
        seeded.initialize(4);
        Path weights = dir.resolve("model.safetensors");
        ModelFile.write(weights, Models.MASKRCNN_SMALL, seeded, FashionMnist.CLASS_NAMES);
        Path scenes = dir.resolve("scenes");
        Cli.run("scenes", "--count", "3", "--out", scenes.toString(), "--seed", "6").assertOk();
        Path out = dir.resolve("eval");
        String printed = Cli.run("eval", "--weights", weights.toString(), "--data", scenes.toString(), "--out",
                out.toString(), "--box-score-thresh", "0", "--batch", "2").assertOk().out();

        // the full-size path eval took before: model::detect, probabilities [D, 1, H, W] thresholded at > 0.5
        CocoDetectionDataset data = DatasetArgs.open("eval", scenes, null);
        DetectorWeights w = DetectorWeights.read(weights, null, null);
        GeneralizedRcnn model = w.network();
        model.setBoxInference(0f, model.config().boxNmsThresh(), model.config().boxDetectionsPerImg());
        model.eval();
        Path before = dir.resolve("before");
        DetectionEvaluation.Result r;
        try (Backend cpu = Backends.create("cpu")) {
            model.to(cpu);
            try {
                r = DetectionEvaluation.evaluate(model::detect, data, data.classNames(), 2, null);
            } finally {
                model.release();
            }
        }
        r.writeTo(before);
        assertTrue(r.segm() != null, "masks must be evaluated");
        assertTrue(printed.startsWith(r.text()), "printed:\n" + printed + "\nexpected:\n" + r.text());
        assertEquals(-1, Files.mismatch(before.resolve("results.json"), out.resolve("results.json")),
                "results.json differs from the full-size masks'");
        // summary.txt: all but its last line, the time per image
        List<String> want = Files.readAllLines(before.resolve("summary.txt"));
        List<String> got = Files.readAllLines(out.resolve("summary.txt"));
        assertEquals(want.subList(0, want.size() - 1), got.subList(0, got.size() - 1));
    }
}
