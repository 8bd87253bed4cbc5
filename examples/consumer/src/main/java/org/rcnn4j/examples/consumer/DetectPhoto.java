package org.rcnn4j.examples.consumer;

import java.io.IOException;
import java.nio.file.Path;
import org.rcnn4j.detector.Detection;
import org.rcnn4j.detector.Detector;
import org.rcnn4j.detector.DetectorOptions;

/**
 * The README's detector on a photo: a torchvision {@code .pth} (or an rcnn4j model file) loaded in one call, its
 * detections printed. README.md quotes the region between the readme markers; java/cli's ReadmeExamplesTest fails
 * when the two differ.
 */
final class DetectPhoto {
    private DetectPhoto() {
    }

    /** Prints the detections of {@code photo} by the detector {@code model} whose weights are {@code weights}. */
    static void printDetections(Path weights, String model, Path photo) throws IOException {
        // readme:begin detect-photo
        try (Detector detector = Detector.load(weights,              // e.g. maskrcnn_resnet50_fpn_coco.pth
                DetectorOptions.defaults().withModel(model).withDevice("cpu"))) {
            for (Detection d : detector.detect(photo)) {
                System.out.println(d);   // person (1) 0.998 [12.5, 30.1, 200.7, 410.2] mask 40211 px
            }
        }
        // readme:end detect-photo
    }
}
