package org.rcnn4j.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.rcnn4j.testing.ArgumentAssert.assertMessageLeadsWith;
import static org.rcnn4j.testing.TensorAssert.FORWARD;
import static org.rcnn4j.testing.TensorAssert.assertClose;
import static org.rcnn4j.testing.TensorAssert.assertExact;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.Fixtures;

/**
 * The box head's refinement against torch (fixture detection_refine, composed of torchvision's BoxCoder,
 * clip_boxes_to_image and postprocess_detections): the best foreground column of each row, the refined boxes, and
 * the detections from two passes' mean probabilities.
 */
class BoxRefinementTest {
    private static final Map<String, Tensor> F = Fixtures.load("detection_refine");
    private static final float[] WEIGHTS = {10f, 10f, 5f, 5f};
    private final Backend cpu = new CpuBackend();

    @Test
    void bestForegroundColumnAsTorchArgmax() {
        // row 7 holds two equal best columns: the first is taken, as torch.argmax takes it
        assertExact("argmax", F.get("argmax_flat"), cpu.select().argmaxRows(F.get("probs1"), 1));
    }

    @Test
    void refinedBoxesAsTorch() {
        Tensor probs = cpu.select().softmaxRows(F.get("logits1"));
        List<Tensor> refined = BoxRefinement.refine(cpu, probs, F.get("reg1"), Fx.list(F, "proposals", 2),
                Fx.sizes(F.get("image_shapes")), WEIGHTS);
        for (int i = 0; i < 2; i++) {
            assertClose("refined " + i, F.get("refined" + i), refined.get(i), FORWARD);
        }
    }

    @Test
    void detectionsFromMeanProbabilitiesAsTorch() {
        Tensor mean = cpu.elementwise().scale(cpu.elementwise().axpby(cpu.select().softmaxRows(F.get("logits1")),
                cpu.select().softmaxRows(F.get("logits2")), 1, 1), 0.5);
        List<Detections> ds = DetectionPostprocess.fromProbabilities(cpu, mean, F.get("reg2"),
                Fx.list(F, "refined", 2), Fx.sizes(F.get("image_shapes")), 0.05f, 0.5f, 100, WEIGHTS);
        for (int i = 0; i < 2; i++) {
            Detections d = ds.get(i);
            assertNotEquals(0, d.labels().size(0), "detections of image " + i);
            assertExact("labels " + i, F.get("labels" + i), d.labels());
            assertClose("boxes " + i, F.get("boxes" + i), d.boxes(), FORWARD);
            assertClose("scores " + i, F.get("scores" + i), d.scores(), FORWARD);
        }
    }

    @Test
    void badArgumentsNamed() {
        Tensor ok = Tensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertMessageLeadsWith("fromColumn", () -> cpu.select().argmaxRows(ok, 3));
        assertMessageLeadsWith("fromColumn", () -> cpu.select().argmaxRows(ok, -1));
        assertMessageLeadsWith("values", () -> cpu.select().argmaxRows(Tensor.zeros(DType.F64, 2, 3), 0));
        assertMessageLeadsWith("values", () -> cpu.select().argmaxRows(Tensor.zeros(DType.F32, 6), 0));
        assertMessageLeadsWith("box_refinements", () -> RcnnConfig.builder().boxRefinements(-1));
        assertMessageLeadsWith("box_refinements",
                () -> RcnnConfig.builder().boxRefinements(RcnnConfig.MAX_BOX_REFINEMENTS + 1));
    }

    @Test
    void smallDetectorsRefineOnceTorchvisionLayoutsNever() {
        assertEquals(1, SmallLayouts.detectorConfig().boxRefinements());
        assertEquals(0, RcnnConfig.torchvisionDefaults().boxRefinements());
        assertEquals(2, RcnnConfig.torchvisionDefaults().toBuilder().boxRefinements(2).build()
                .withBoxInference(0.1f, 0.3f, 10).boxRefinements());
    }
}
