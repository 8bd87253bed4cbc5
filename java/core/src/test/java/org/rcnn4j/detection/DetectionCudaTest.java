package org.rcnn4j.detection;

import static org.rcnn4j.testing.TensorAssert.FORWARD;
import static org.rcnn4j.testing.TensorAssert.GRADIENT;
import static org.rcnn4j.testing.TensorAssert.assertClose;
import static org.rcnn4j.testing.TensorAssert.assertExact;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.autograd.Ops;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.cuda.CudaBackend;
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
            Ops.sum(Ops.mul(y, Var.of(b, b.toDevice(f.get("box.weight"))))).backward();
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

    private static void postprocess(CudaBackend b, Map<String, Tensor> f) {
        List<Tensor> props = List.of(b.toDevice(f.get("proposals0")), b.toDevice(f.get("proposals1")));
        try (Tensor logits = b.toDevice(f.get("class_logits")); Tensor reg = b.toDevice(f.get("box_regression"))) {
            List<Detections> ds = DetectionPostprocess.postprocess(b, logits, reg, props,
                    Fx.sizes(f.get("image_shapes")));
            for (int i = 0; i < 2; i++) {
                try (Detections d = ds.get(i)) {
                    assertExact("labels " + i, f.get("default.labels" + i), b.toHost(d.labels()));
                    assertClose("boxes " + i, f.get("default.boxes" + i), b.toHost(d.boxes()), FORWARD);
                    assertClose("scores " + i, f.get("default.scores" + i), b.toHost(d.scores()), FORWARD);
                }
            }
        } finally {
            props.forEach(Tensor::close);
        }
    }
}
