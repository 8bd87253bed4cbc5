package org.rcnn4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.DeviceStats;
import org.rcnn4j.coco.CocoAnnotation;
import org.rcnn4j.coco.LabelMap;
import org.rcnn4j.data.ImageFiles;
import org.rcnn4j.detection.GeneralizedRcnn;
import org.rcnn4j.detection.GeneralizedRcnnTransform;
import org.rcnn4j.detection.ImageDetections;
import org.rcnn4j.detection.MaskOutput;
import org.rcnn4j.detection.TestTimeAugmentation;
import org.rcnn4j.detector.DetectorWeights;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.train.DetectionResults;
import org.rcnn4j.viz.DetectionPictures;
import org.rcnn4j.viz.Headless;

/**
 * {@code rcnn4j detect IMAGE... --weights FILE [--model NAME] --out DIR}: runs a trained detector on images, draws
 * the detections (DIR/NAME.png) and writes them all as COCO results (DIR/detections.json; image_id is the image's
 * position on the command line, 1-based).
 */
final class DetectCommand {
    private static final Set<String> VALUED = Sets.union(Sets.union(Sets.union(Set.of("--out", "--device",
            "--score-thresh"), BoxInferenceArgs.OPTIONS), ModelArgs.OPTIONS), AugmentationArgs.VALUED);

    private DetectCommand() {
    }

    static String help() {
        return """
                usage: rcnn4j detect IMAGE... --weights FILE [--model NAME] [--classes FILE] --out DIR
                                     [--device cpu|cuda|cuda-emu] [--score-thresh T] [--box-score-thresh T]
                                     [--box-nms-thresh T] [--box-detections-per-img N]
                                     [--box-refinements N] [--tta] [--tta-scales S,S] [--stats]

                Detects objects in PNG or JPEG images with a model trained by rcnn4j train or rcnn4j demo (the
                model.safetensors they write names its model and classes) or torchvision's COCO detectors
                (--weights maskrcnn.pth --model maskrcnn_resnet50_fpn). Writes DIR/<image name>.png with the
                detections scoring at least T drawn (default 0.5), and DIR/detections.json: every detection the
                model keeps (score >= --box-score-thresh) in COCO's results format, image_id = the image's
                position in the list (1-based), category_id = the model's label (COCO's id for a .pth). Images
                that share a name (a/x.png b/x.png, x.png x.jpg) get their own pictures: the later ones x-2.png,
                x-3.png...; each line printed names its picture. --stats prints after each image what its detect()
                cost the device: "device: syncs=N to_host_bytes=B to_device_bytes=C" (host synchronizations and
                bytes copied each way; zeros on the cpu device).
                """ + ModelArgs.help() + BoxInferenceArgs.help() + AugmentationArgs.help();
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        CommandArgs a = CommandArgs.parse("detect", argv, VALUED, Sets.union(Set.of("--stats"),
                AugmentationArgs.FLAGS), true);
        if (a.help()) {
            out.print(help());
            return Main.OK;
        }
        List<String> files = a.positionals();
        if (files.isEmpty()) {
            throw new UsageException("detect: give at least one image (see rcnn4j detect --help)");
        }
        Path dir = a.requiredPath("--out", "DIR");
        float threshold = (float) a.doubleIn("--score-thresh", 0.5, 0, 1);
        String device = Devices.checkName(a.string("--device", "cpu"));
        boolean stats = a.has("--stats");
        BoxInferenceArgs.Values boxInference = BoxInferenceArgs.parse(a);
        TestTimeAugmentation tta = AugmentationArgs.parse("detect", a);
        List<Tensor> images = new ArrayList<>();
        for (String f : files) {
            try {
                images.add(ImageFiles.read(Path.of(f)));
            } catch (IOException e) {
                throw new UsageException("detect: cannot read image " + f + ": " + Main.describe(e));
            }
        }
        DetectorWeights weights = ModelArgs.read("detect", a);
        GeneralizedRcnn model = weights.network();
        for (int i = 0; i < images.size(); i++) { // torchvision fails on these inside interpolate; say which image
            Tensor img = images.get(i);
            try {
                GeneralizedRcnnTransform.resizedSize(img.size(1), img.size(2), model.config().minSize(),
                        model.config().maxSize());
            } catch (IllegalArgumentException e) {
                throw new UsageException("detect: " + files.get(i) + ": " + e.getMessage());
            }
        }
        boxInference.applyTo(model);
        model.eval();
        Headless.ensure();
        LabelMap labels = LabelMap.identity(weights.classNames());
        List<CocoAnnotation> results = new ArrayList<>();
        try (Backend backend = Devices.open(device)) {
            model.to(backend);
            try {
                Files.createDirectories(dir);
                List<String> names = OutputNames.stems(files.stream().map(Path::of).toList());
                for (int i = 0; i < images.size(); i++) {
                    DeviceStats before = backend.stats();
                    // binary masks (> 0.5, as the COCO results and pictures threshold them), each kept at its
                    // paste window: no full-size masks, so a photo of any size fits
                    List<Tensor> one = List.of(images.get(i));
                    MaskOutput masks = MaskOutput.above(0.5f).asCrops();
                    ImageDetections d = (tta == null ? model.detect(one, masks) : tta.detect(model, one, masks))
                            .get(0);
                    DeviceStats cost = backend.stats().minus(before);
                    results.addAll(DetectionResults.of(i + 1, d, labels, results.size() + 1));
                    Path png = dir.resolve(names.get(i) + ".png");
                    DetectionPictures.write(png, images.get(i), d, weights.classNames(), threshold, 1);
                    int shown = 0;
                    for (float s : d.scores().floats()) {
                        shown += s >= threshold ? 1 : 0;
                    }
                    out.printf(Locale.ROOT, "%s: %d detections (%d with score >= %.2f) -> %s%n", files.get(i),
                            d.count(), shown, threshold, png);
                    if (stats) {
                        out.println("device: " + cost.format());
                    }
                }
                DetectionResults.write(dir.resolve("detections.json"), results);
            } finally {
                model.release();
            }
        } catch (IOException e) {
            throw new UsageException("detect: cannot write to " + dir + ": " + Main.describe(e));
        }
        out.println("wrote " + dir.resolve("detections.json"));
        return Main.OK;
    }
}
