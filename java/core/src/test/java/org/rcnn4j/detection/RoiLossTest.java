package org.rcnn4j.detection;

import static org.rcnn4j.testing.TensorAssert.FORWARD;
import static org.rcnn4j.testing.TensorAssert.GRADIENT;
import static org.rcnn4j.testing.TensorAssert.assertClose;
import static org.rcnn4j.testing.TensorAssert.assertExact;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.autograd.Ops;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.Fixtures;

/**
 * RoIHeads.select_training_samples, fastrcnn_loss and maskrcnn_loss against torchvision (fixture
 * detection_roi_loss): three images, the second without ground truth; torchvision's sampled sets.
 */
class RoiLossTest {
    private static final Map<String, Tensor> F = Fixtures.load("detection_roi_loss");
    private final Backend cpu = new CpuBackend();

    private RoiTargets select() {
        return RoiTargets.select(cpu, Fx.list(F, "proposals", 3), Fx.list(F, "gt", 3), Fx.list(F, "gt_labels", 3),
                Fx.samples(F, 3));
    }

    @Test
    void selectTrainingSamplesAsTorchvision() {
        RoiTargets t = select();
        for (int i = 0; i < 3; i++) {
            assertExact("proposals " + i, F.get("sel.proposals" + i), t.proposals().get(i));
            assertExact("matched " + i, F.get("sel.matched" + i), t.matchedIdxs().get(i));
            assertExact("labels " + i, F.get("sel.labels" + i), t.labels().get(i));
            assertClose("regression targets " + i, F.get("sel.reg" + i), t.regressionTargets().get(i), FORWARD);
        }
    }

    @Test
    void fastRcnnLossAsTorchvision() {
        RoiTargets t = select();
        try (Scope s = Scope.open()) {
            Var logits = Var.param(cpu, Fx.copy(F.get("class_logits")));
            Var reg = Var.param(cpu, Fx.copy(F.get("box_regression")));
            FastRcnnLoss.Result r = FastRcnnLoss.compute(logits, reg, t.labels(), t.regressionTargets());
            assertClose("loss_classifier", F.get("loss_classifier"), r.classifier().value(), FORWARD);
            assertClose("loss_box_reg", F.get("loss_box_reg"), r.boxReg().value(), FORWARD);
            Ops.add(r.classifier(), Ops.mul(r.boxReg(), 3.0)).backward();
            assertClose("grad class_logits", F.get("grad_class_logits"), logits.grad(), GRADIENT);
            assertClose("grad box_regression", F.get("grad_box_regression"), reg.grad(), GRADIENT);
        }
    }

    @Test
    void maskRcnnLossAsTorchvision() {
        RoiTargets t = select();
        RoiTargets.Positives pos = t.positives(cpu);
        List<Tensor> props = pos.proposals();
        List<Tensor> matched = pos.matchedIdxs();
        try (Scope s = Scope.open()) {
            Var logits = Var.param(cpu, Fx.copy(F.get("mask_logits")));
            Var loss = MaskRcnnLoss.compute(logits, props, Fx.list(F, "gt_masks", 3), Fx.list(F, "gt_labels", 3),
                    matched);
            assertClose("loss_mask", F.get("loss_mask"), loss.value(), FORWARD);
            loss.backward();
            assertClose("grad mask_logits", F.get("grad_mask_logits"), logits.grad(), GRADIENT);
        }
    }

    @Test
    void maskLossWithoutPositivesIsZeroAndDifferentiable() {
        try (Scope s = Scope.open()) {
            Var logits = Var.param(cpu, Tensor.zeros(DType.F32, 0, 5, 10, 10));
            List<Tensor> none = List.of(Tensor.zeros(DType.F32, 0, 4), Tensor.zeros(DType.F32, 0, 4),
                    Tensor.zeros(DType.F32, 0, 4));
            List<Tensor> noIdx = List.of(Tensor.zeros(DType.I64, 0), Tensor.zeros(DType.I64, 0),
                    Tensor.zeros(DType.I64, 0));
            Var loss = MaskRcnnLoss.compute(logits, none, Fx.list(F, "gt_masks", 3), Fx.list(F, "gt_labels", 3),
                    noIdx);
            assertClose("empty loss", F.get("loss_mask_empty"), loss.value(), FORWARD);
            loss.backward();
            org.rcnn4j.testing.TensorAssert.assertShape("grad", logits.grad(), 0, 5, 10, 10);
        }
    }

    @Test
    void withTheJavaSamplerTheCountsHold() {
        RoiTargets t = RoiTargets.select(cpu, Fx.list(F, "proposals", 3), Fx.list(F, "gt", 3),
                Fx.list(F, "gt_labels", 3), new BalancedPositiveNegativeSampler(512, 0.25, 1));
        for (int i = 0; i < 3; i++) {
            // all fit in 512: every labelled proposal (plus the ground truth) is taken
            org.junit.jupiter.api.Assertions.assertEquals(F.get("sel.labels" + i).numel(),
                    t.labels().get(i).numel(), "image " + i);
        }
    }
}
