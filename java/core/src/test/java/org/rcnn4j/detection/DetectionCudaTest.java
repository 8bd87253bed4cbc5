package org.rcnn4j.detection;

import static org.rcnn4j.testing.TensorAssert.FORWARD;
import static org.rcnn4j.testing.TensorAssert.GRADIENT;
import static org.rcnn4j.testing.TensorAssert.assertClose;
import static org.rcnn4j.testing.TensorAssert.assertExact;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.cuda.CudaBackend;
import org.rcnn4j.nn.functional.TensorMath;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.Fixtures;

/**
 * The detection pieces on the CUDA backend (a GPU or the emulator, see {@link CudaTestSupport}) against the same
 * torchvision fixtures as the CPU tests: RPN targets and loss with gradients, MultiScaleRoIAlign with gradients,
 * postprocess_detections.
 */
class DetectionCudaTest {

    @Test
    void rpnTargetsAndLoss() {
        CudaBackend b = CudaTestSupport.backend();
        CudaTestSupport.assertNoLeak("RPN targets and loss", () -> RpnLossTest.checkTargetsAndLoss(b));
    }

    @Test
    void multiScaleRoIAlign() {
        CudaBackend b = CudaTestSupport.backend();
        Map<String, Tensor> f = Fixtures.load("detection_pooler");
        List<String> levels = List.of("0", "1", "2", "3");
        CudaTestSupport.assertNoLeak("MultiScaleRoIAlign", () -> pool(b, f, levels));
    }

    private static void pool(CudaBackend b, Map<String, Tensor> f, List<String> levels) {
        try (Scope s = Scope.open()) {
            List<Var> feats = new ArrayList<>();
            for (String l : levels) {
                feats.add(Var.param(b, b.toDevice(f.get("feat." + l))));
            }
            List<Tensor> boxes = List.of(b.toDevice(f.get("boxes0")), b.toDevice(f.get("boxes1")));
            Var y = MultiScaleRoIAlignFunction.forward(feats, boxes, Fx.sizes(f.get("image_sizes")), 7, 2);
            assertClose("output", f.get("box.out"), b.toHost(y.value()), FORWARD);
            TensorMath.sum(TensorMath.mul(y, Var.of(b, b.toDevice(f.get("box.weight"))))).backward();
            for (int i = 0; i < levels.size(); i++) {
                assertClose("grad " + i, f.get("box.grad." + levels.get(i)), b.toHost(feats.get(i).grad()), GRADIENT);
            }
            boxes.forEach(Tensor::close);
        }
    }

    @Test
    void postprocessDetections() {
        CudaBackend b = CudaTestSupport.backend();
        Map<String, Tensor> f = Fixtures.load("detection_postprocess");
        CudaTestSupport.assertNoLeak("postprocess_detections", () -> postprocess(b, f));
    }

    @Test
    void boxRefinement() {
        CudaBackend b = CudaTestSupport.backend();
        Map<String, Tensor> f = Fixtures.load("detection_refine");
        CudaTestSupport.assertNoLeak("box refinement", () -> refine(b, f));
    }

    private static void refine(CudaBackend b, Map<String, Tensor> f) {
        List<int[]> sizes = Fx.sizes(f.get("image_shapes"));
        float[] weights = {10f, 10f, 5f, 5f};
        List<Tensor> props = List.of(b.toDevice(f.get("proposals0")), b.toDevice(f.get("proposals1")));
        List<Tensor> refined = List.of();
        try (Tensor l1 = b.toDevice(f.get("logits1")); Tensor r1 = b.toDevice(f.get("reg1"));
                Tensor l2 = b.toDevice(f.get("logits2")); Tensor r2 = b.toDevice(f.get("reg2"));
                Tensor p1 = b.select().softmaxRows(l1); Tensor p2 = b.select().softmaxRows(l2);
                Tensor sum = b.elementwise().axpby(p1, p2, 1, 1); Tensor mean = b.elementwise().scale(sum, 0.5)) {
            refined = BoxRefinement.refine(b, p1, r1, props, sizes, weights);
            for (int i = 0; i < 2; i++) {
                assertClose("refined " + i, f.get("refined" + i), b.toHost(refined.get(i)), FORWARD);
            }
            assertDetections(b, f, "", DetectionPostprocess.fromProbabilities(b, mean, r2, refined, sizes, 0.05f,
                    0.5f, 100, weights));
        } finally {
            props.forEach(Tensor::close);
            refined.forEach(Tensor::close);
        }
    }

    private static void postprocess(CudaBackend b, Map<String, Tensor> f) {
        List<Tensor> props = List.of(b.toDevice(f.get("proposals0")), b.toDevice(f.get("proposals1")));
        try (Tensor logits = b.toDevice(f.get("class_logits")); Tensor reg = b.toDevice(f.get("box_regression"))) {
            assertDetections(b, f, "default.", DetectionPostprocess.postprocess(b, logits, reg, props,
                    Fx.sizes(f.get("image_shapes"))));
        } finally {
            props.forEach(Tensor::close);
        }
    }

    /** Each image's detections against the fixture's {prefix}labels/boxes/scores{i}; closes them. */
    private static void assertDetections(CudaBackend b, Map<String, Tensor> f, String prefix, List<Detections> ds) {
        for (int i = 0; i < ds.size(); i++) {
            try (Detections d = ds.get(i)) {
                assertExact("labels " + i, f.get(prefix + "labels" + i), b.toHost(d.labels()));
                assertClose("boxes " + i, f.get(prefix + "boxes" + i), b.toHost(d.boxes()), FORWARD);
                assertClose("scores " + i, f.get(prefix + "scores" + i), b.toHost(d.scores()), FORWARD);
            }
        }
    }
}
