package org.rcnn4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.coco.LabelMap;
import org.rcnn4j.data.CocoDetectionDataset;
import org.rcnn4j.detection.GeneralizedRcnn;
import org.rcnn4j.detection.ImageDetections;
import org.rcnn4j.detection.MaskOutput;
import org.rcnn4j.detection.TestTimeAugmentation;
import org.rcnn4j.detector.DetectorWeights;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.train.DetectionEvaluation;

/**
 * {@code rcnn4j eval --weights model.safetensors --data DIR|FILE.json [--images DIR]}: COCO AP of a trained
 * detector on a dataset (box, and mask for Mask R-CNN), printed as COCOeval's summaries.
 */
final class ModelEvalCommand {
    private static final Set<String> VALUED = Sets.union(Sets.union(Set.of("--model", "--classes", "--weights",
            "--data", "--images", "--device", "--out", "--batch"), BoxInferenceArgs.OPTIONS), AugmentationArgs.VALUED);

    private ModelEvalCommand() {
    }

    static String help() {
        return """
                usage: rcnn4j eval --weights FILE [--model NAME] [--classes FILE] --data DIR|FILE.json
                                   [--images DIR] [--device cpu|cuda|cuda-emu] [--batch N] [--out DIR]
                                   [--per-class] [--box-score-thresh T] [--box-nms-thresh T]
                                   [--box-detections-per-img N] [--box-refinements N] [--tta]
                                   [--tta-scales S,S]

                Runs a trained detector over a COCO dataset and prints COCOeval's 12-line summary for boxes (and
                for masks, with Mask R-CNN), then per-class AP with --per-class. --out DIR also writes the
                detections (results.json) and the summaries (summary.txt). A model trained by rcnn4j labels the
                dataset's categories by position; a torchvision .pth labels them by category id (COCO's).
                """ + ModelArgs.help() + BoxInferenceArgs.help() + AugmentationArgs.help();
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        CommandArgs a = CommandArgs.parse("eval", argv, VALUED, Sets.union(Set.of("--per-class"),
                AugmentationArgs.FLAGS), false);
        if (a.help()) {
            out.print(help());
            return Main.OK;
        }
        CocoDetectionDataset data = DatasetArgs.open("eval", a.requiredPath("--data", "DIR|FILE.json"),
                a.path("--images"));
        String device = Devices.checkName(a.string("--device", "cpu"));
        BoxInferenceArgs.Values boxInference = BoxInferenceArgs.parse(a);
        TestTimeAugmentation tta = AugmentationArgs.parse("eval", a);
        int batch = a.intIn("--batch", 8, 1, 1024);
        DetectorWeights weights = ModelArgs.read("eval", a);
        if (!weights.pyTorch() && !weights.classNames().equals(data.classNames())) {
            err.println("eval: note: the model's classes " + weights.classNames() + " differ from the dataset's "
                    + data.classNames() + "; labels are matched by position");
        }
        GeneralizedRcnn model = weights.network();
        DatasetArgs.checkResizable("eval", data, model.config().minSize(), model.config().maxSize());
        boxInference.applyTo(model);
        model.eval();
        DetectionEvaluation.Result r;
        // masks > 0.5 (as the results threshold them), each kept at its paste window: no full-size masks
        MaskOutput masks = MaskOutput.above(0.5f).asCrops();
        Function<List<Tensor>, List<ImageDetections>> detector = tta == null ? images -> model.detect(images, masks)
                : images -> tta.detect(model, images, masks);
        if (tta != null) {
            err.println("eval: test-time augmentation: " + AugmentationArgs.describe(tta));
        }
        try (Backend backend = Devices.open(device)) {
            model.to(backend);
            try {
                r = weights.pyTorch()
                        ? DetectionEvaluation.evaluate(detector, data, data.groundTruth(), data::imageId,
                                LabelMap.identity(weights.classNames()), batch, err)
                        : DetectionEvaluation.evaluate(detector, data, data.classNames(), batch, err);
                if (a.path("--out") != null) {
                    r.writeTo(a.path("--out"));
                }
            } finally {
                model.release();
            }
        } catch (IOException e) {
            throw new UsageException("eval: cannot write to " + a.path("--out") + ": " + Main.describe(e));
        }
        out.print(r.text());
        if (a.has("--per-class")) {
            out.print(r.perCategoryText());
        }
        out.println(DemoCommand.metricLine("box", r.bbox()));
        if (r.segm() != null) {
            out.println(DemoCommand.metricLine("mask", r.segm()));
        }
        return Main.OK;
    }
}
