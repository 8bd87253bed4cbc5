package org.rcnn4j.examples.consumer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.detection.AnchorGenerator;
import org.rcnn4j.detection.DetectionTargets;
import org.rcnn4j.detection.FasterRcnn;
import org.rcnn4j.detection.GeneralizedRcnn;
import org.rcnn4j.detection.ImageDetections;
import org.rcnn4j.detection.MultiScaleRoIAlign;
import org.rcnn4j.detection.backbone.SmallBackbone;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.train.LrSchedule;
import org.rcnn4j.train.Trainer;

/**
 * The README's "Build your own detector": Faster R-CNN from the builder with a user's box head
 * ({@link OneLayerBoxHead}), trained with the library's Trainer on a few synthetic pictures (red squares are class
 * 1, blue ones class 2), then run on them. README.md quotes the region between the readme markers; java/cli's
 * ReadmeExamplesTest fails when the two differ.
 */
final class CustomDetector {
    private CustomDetector() {
    }

    /** Trains for {@code steps} steps and detects; throws when the loss did not go down. */
    static void run(Backend backend, int steps) throws IOException {
        List<Tensor> images = new ArrayList<>();
        List<DetectionTargets> targets = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            scene(i, images, targets);
        }
        // readme:begin build-your-own
        GeneralizedRcnn model = FasterRcnn.builder(new SmallBackbone(32, true, 2))   // maps "0", "1", "2", "pool"
                .numClasses(3)                                                        // background, red, blue
                .rpnAnchorGenerator(new AnchorGenerator(new int[][] {{16}, {32}, {64}, {128}},
                        AnchorGenerator.FPN_ASPECT_RATIOS))                           // one size per map
                .boxRoiPool(new MultiScaleRoIAlign(List.of("0", "1"), 7, 2))
                .boxHead(new OneLayerBoxHead(32 * 7 * 7, 128))                        // any Block implementing BoxHead
                .minSize(96).maxSize(96).boxBatchSizePerImage(64)                     // torchvision's names
                .build();
        model.initialize(0).to(backend);
        Trainer trainer = new Trainer(model.trainableVars(), Trainer.Options.of("custom", steps,
                LrSchedule.constant(0.02)));
        Trainer.History history = trainer.train((step, rng) -> model.losses(images, targets, rng.nextLong()));
        model.eval();
        List<ImageDetections> found = model.detect(images);
        // readme:end build-your-own
        try {
            double first = total(history, 0);
            double last = total(history, steps - 1);
            System.out.printf("custom detector (OneLayerBoxHead, %d steps): loss %.3f -> %.3f, %d detections in the "
                    + "first picture%n", steps, first, last, found.get(0).count());
            if (!(last < first)) {
                throw new IllegalStateException("training did not lower the loss: " + first + " -> " + last);
            }
        } finally {
            model.release();
        }
    }

    private static double total(Trainer.History history, long step) {
        return history.losses().get((int) (step - history.firstStep())).values().stream()
                .mapToDouble(Double::doubleValue).sum();
    }

    /** Picture {@code i}: 96x96 grey, one red (class 1) and one blue (class 2) square at places that vary. */
    private static void scene(int i, List<Tensor> images, List<DetectionTargets> targets) {
        int size = 96;
        float[] rgb = new float[3 * size * size];
        java.util.Arrays.fill(rgb, 0.5f);
        int[][] boxes = {{8 + 6 * i, 10 + 4 * i, 40 + 6 * i, 42 + 4 * i}, {50 - 4 * i, 52 - 2 * i, 86 - 4 * i,
                88 - 2 * i}};
        float[] out = new float[8];
        for (int b = 0; b < 2; b++) {
            int[] box = boxes[b];
            for (int y = box[1]; y < box[3]; y++) {
                for (int x = box[0]; x < box[2]; x++) {
                    rgb[y * size + x] = b == 0 ? 0.9f : 0.1f;                       // red channel
                    rgb[(size + y) * size + x] = 0.1f;                               // green
                    rgb[(2 * size + y) * size + x] = b == 0 ? 0.1f : 0.9f;          // blue
                }
            }
            for (int k = 0; k < 4; k++) {
                out[4 * b + k] = box[k];
            }
        }
        images.add(Tensor.ofFloats(rgb, 3, size, size));
        targets.add(new DetectionTargets(Tensor.ofFloats(out, 2, 4), Tensor.ofLongs(new long[] {1, 2}, 2), null));
    }
}
