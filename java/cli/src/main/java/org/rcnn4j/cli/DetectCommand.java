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
import org.rcnn4j.coco.DetectionResults;
import org.rcnn4j.coco.LabelMap;
import org.rcnn4j.data.ImageFiles;
import org.rcnn4j.detection.GeneralizedRcnn;
import org.rcnn4j.detection.ImageDetections;
import org.rcnn4j.detection.ModelFile;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.viz.DetectionPictures;
import org.rcnn4j.viz.Headless;

/**
 * {@code rcnn4j detect IMAGE... --weights model.safetensors --out DIR}: runs a trained detector on images, draws
 * the detections (DIR/NAME.png) and writes them all as COCO results (DIR/detections.json; image_id is the image's
 * position on the command line, 1-based).
 */
final class DetectCommand {
    private static final Set<String> VALUED = Sets.union(Set.of("--weights", "--out", "--device", "--score-thresh"),
            BoxInferenceArgs.OPTIONS);

    private DetectCommand() {
    }

    static String help() {
        return """
                usage: rcnn4j detect IMAGE... --weights model.safetensors --out DIR [--device cpu|cuda|cuda-emu]
                                     [--score-thresh T] [--box-score-thresh T] [--box-nms-thresh T]
                                     [--box-detections-per-img N] [--stats]

                Detects objects in PNG or JPEG images with a model trained by rcnn4j train or rcnn4j demo (the
                model.safetensors they write names its model and classes). Writes DIR/<image name>.png with the
                detections scoring at least T drawn (default 0.5), and DIR/detections.json: every detection the
                model keeps (score >= --box-score-thresh) in COCO's results format, image_id = the image's
                position in the list (1-based). --stats prints after each image what its detect() cost the
                device: "device: syncs=N to_host_bytes=B to_device_bytes=C" (host synchronizations and bytes
                copied each way; zeros on the cpu device).
                """ + BoxInferenceArgs.help();
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        CommandArgs a = CommandArgs.parse("detect", argv, VALUED, Set.of("--stats"), true);
        if (a.help()) {
            out.print(help());
            return Main.OK;
        }
        List<String> files = a.positionals();
        if (files.isEmpty()) {
            throw new UsageException("detect: give at least one image (see rcnn4j detect --help)");
        }
        Path weights = a.requiredPath("--weights", "FILE");
        Path dir = a.requiredPath("--out", "DIR");
        float threshold = (float) a.doubleIn("--score-thresh", 0.5, 0, 1);
        String device = Devices.checkName(a.string("--device", "cpu"));
        boolean stats = a.has("--stats");
        BoxInferenceArgs.Values boxInference = BoxInferenceArgs.parse(a);
        List<Tensor> images = new ArrayList<>();
        for (String f : files) {
            try {
                images.add(ImageFiles.read(Path.of(f)));
            } catch (IOException e) {
                throw new UsageException("detect: cannot read image " + f + ": " + Main.describe(e));
            }
        }
        ModelFile file;
        try {
            file = ModelFile.read(weights);
        } catch (IOException e) {
            throw new UsageException("detect: " + Main.describe(e));
        }
        GeneralizedRcnn model = file.build();
        boxInference.applyTo(model);
        model.eval();
        Headless.ensure();
        LabelMap labels = LabelMap.identity(file.classNames());
        List<CocoAnnotation> results = new ArrayList<>();
        try (Backend backend = Devices.open(device)) {
            model.to(backend);
            try {
                Files.createDirectories(dir);
                for (int i = 0; i < images.size(); i++) {
                    DeviceStats before = backend.stats();
                    ImageDetections d = model.detect(List.of(images.get(i))).get(0);
                    DeviceStats cost = backend.stats().minus(before);
                    results.addAll(DetectionResults.of(i + 1, d, labels, results.size() + 1));
                    Path png = dir.resolve(stem(Path.of(files.get(i))) + ".png");
                    DetectionPictures.write(png, images.get(i), d, file.classNames(), threshold, 1);
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

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
