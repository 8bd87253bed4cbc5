package org.rcnn4j.detection;

import static org.rcnn4j.testing.TensorAssert.FORWARD;
import static org.rcnn4j.testing.TensorAssert.assertClose;
import static org.rcnn4j.testing.TensorAssert.assertExact;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.Fixtures;

/**
 * Inference against torchvision (fixture detection_postprocess): RoIHeads.postprocess_detections with the default
 * limit and with 7 detections per image, maskrcnn_inference, and GeneralizedRCNNTransform.postprocess (boxes
 * rescaled, masks pasted into the original image).
 */
class PostprocessTest {
    private static final Map<String, Tensor> F = Fixtures.load("detection_postprocess");
    private final Backend cpu = new CpuBackend();

    private List<Detections> run(int limit) {
        return DetectionPostprocess.postprocess(cpu, F.get("class_logits"), F.get("box_regression"),
                Fx.list(F, "proposals", 2), Fx.sizes(F.get("image_shapes")), 0.05f, 0.5f, limit);
    }

    private void check(String name, List<Detections> ds) {
        for (int i = 0; i < 2; i++) {
            Detections d = ds.get(i);
            assertExact(name + " labels " + i, F.get(name + ".labels" + i), d.labels());
            assertClose(name + " boxes " + i, F.get(name + ".boxes" + i), d.boxes(), FORWARD);
            assertClose(name + " scores " + i, F.get(name + ".scores" + i), d.scores(), FORWARD);
        }
    }

    @Test
    void postprocessDetectionsAsTorchvision() {
        check("default", DetectionPostprocess.postprocess(cpu, F.get("class_logits"), F.get("box_regression"),
                Fx.list(F, "proposals", 2), Fx.sizes(F.get("image_shapes"))));
    }

    @Test
    void detectionsPerImageLimit() {
        check("top7", run(7));
    }

    @Test
    void maskInferenceAndTransformPostprocessAsTorchvision() {
        List<Detections> ds = run(7);
        Detections d = ds.get(0);
        Tensor probs = MaskInference.probabilities(cpu, F.get("mask_logits"), List.of(d.labels())).get(0);
        assertClose("mask probabilities", F.get("mask_probs"), probs, FORWARD);
        int[] original = {(int) F.get("original_size").getLong(0), (int) F.get("original_size").getLong(1)};
        int[] resized = Fx.sizes(F.get("image_shapes")).get(0);
        Tensor boxes = TransformPostprocess.resizeBoxes(cpu, d.boxes(), resized, original);
        assertClose("boxes in the original image", F.get("final.boxes"), boxes, FORWARD);
        Tensor masks = TransformPostprocess.pasteMasks(cpu, probs, boxes, original);
        assertClose("pasted masks", F.get("final.masks"), masks, FORWARD);
    }
}
