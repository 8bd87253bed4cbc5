package org.rcnn4j.examples.consumer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Backends;
import org.rcnn4j.detection.GeneralizedRcnn;
import org.rcnn4j.detection.ImageDetections;
import org.rcnn4j.detection.ModelOptions;
import org.rcnn4j.detection.Models;
import org.rcnn4j.tensor.Tensor;

/**
 * rcnn4j from a user's project: NMS, RoIAlign, a small Mask R-CNN's inference and a detector of one's own
 * ({@link CustomDetector}) on one backend ("cpu", the default, "cuda" or "cuda-emu"), or the README's detector on a
 * photo ({@link DetectPhoto}). Every device tensor is closed and the model's device copy released: results are
 * fresh tensors the caller owns, host tensors need no closing (closing them does nothing).
 */
public final class Main {
    private Main() {
    }

    /**
     * {@code Main [DEVICE]}: the ops, a small Mask R-CNN's inference and a custom detector trained and run;
     * {@code Main DEVICE WEIGHTS MODEL PHOTO}: only the README's detector on a photo (a "-" for WEIGHTS means none).
     */
    public static void main(String[] args) throws IOException {
        String device = args.length > 0 ? args[0] : "cpu";
        if (args.length == 4 && !args[1].equals("-")) {
            DetectPhoto.printDetections(Path.of(args[1]), args[2], Path.of(args[3]));
            System.out.println("printed the detections of " + args[3]);
            return;
        }
        FirstOp.run();
        try (Backend backend = Backends.create(device)) {
            System.out.println("backend: " + backend.name());
            nms(backend);
            roiAlign(backend);
            detect(backend);
            CustomDetector.run(backend, 40);
        }
    }

    /** Three boxes, the second overlapping the first (IoU 0.68): NMS at 0.5 keeps the first and the third. */
    static void nms(Backend backend) {
        float[] xyxy = {0, 0, 10, 10, 1, 1, 11, 11, 20, 20, 30, 30};
        float[] scores = {0.9f, 0.8f, 0.7f};
        try (Tensor b = backend.toDevice(Tensor.ofFloats(xyxy, 3, 4));
             Tensor s = backend.toDevice(Tensor.ofFloats(scores, 3));
             Tensor keep = backend.boxes().nms(b, s, 0.5f)) {
            System.out.println("nms keeps boxes " + Arrays.toString(backend.toHost(keep).longs()));
        }
    }

    /** A 4x4 ramp, one RoI over its middle pooled to 2x2 (torchvision.ops.roi_align, aligned=True). */
    static void roiAlign(Backend backend) {
        float[] ramp = new float[16];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = i;
        }
        float[] roi = {0, 1, 1, 3, 3};  // batch index, x1, y1, x2, y2
        try (Tensor input = backend.toDevice(Tensor.ofFloats(ramp, 1, 1, 4, 4));
             Tensor rois = backend.toDevice(Tensor.ofFloats(roi, 1, 5));
             Tensor pooled = backend.roi().roiAlign(input, rois, 2, 2, 1.0f, 2, true)) {
            System.out.println("roi_align 2x2: " + Arrays.toString(backend.toHost(pooled).floats()));
        }
    }

    /** maskrcnn_small built from a seed (untrained), on a synthetic 96x128 picture: a bright square on grey. */
    static void detect(Backend backend) {
        GeneralizedRcnn model = Models.maskrcnnSmall(ModelOptions.defaults());
        model.initialize(7);
        model.eval();
        model.setBoxInference(0.0f, 0.5f, 3);  // untrained scores are low: keep the top 3 whatever they are
        int h = 96;
        int w = 128;
        float[] rgb = new float[3 * h * w];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    boolean square = y >= 30 && y < 70 && x >= 40 && x < 80;
                    rgb[(c * h + y) * w + x] = square ? 0.9f : 0.3f;
                }
            }
        }
        model.to(backend);
        try {
            List<ImageDetections> out = model.detect(List.of(Tensor.ofFloats(rgb, 3, h, w)));
            ImageDetections d = out.get(0);
            System.out.println("maskrcnn_small (seed 7, untrained): " + d.count() + " detections, masks "
                    + Arrays.toString(d.masks().shape()));
            float[] boxes = d.boxes().floats();
            for (int i = 0; i < d.count(); i++) {
                System.out.printf("  label %d score %.4f box [%.1f, %.1f, %.1f, %.1f]%n", d.labels().longs()[i],
                        d.scores().floats()[i], boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]);
            }
        } finally {
            model.release();
        }
    }
}
