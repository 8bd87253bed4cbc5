package org.rcnn4j.detection;

import static org.rcnn4j.testing.TensorAssert.FORWARD;
import static org.rcnn4j.testing.TensorAssert.GRADIENT;
import static org.rcnn4j.testing.TensorAssert.assertClose;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.autograd.Ops;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.Fixtures;

/**
 * RPN targets and loss against torchvision's RegionProposalNetwork (fixture detection_rpn_loss): three images,
 * the second without ground truth, the third with more than 128 positives; the sampled sets are torchvision's.
 */
class RpnLossTest {
    static final Map<String, Tensor> F = Fixtures.load("detection_rpn_loss");

    static void checkTargetsAndLoss(Backend b) {
        try (Scope s = Scope.open()) {
            List<Tensor> anchors = Fx.list(F, "anchors", 3).stream().map(b::toDevice).toList();
            List<Tensor> gt = Fx.list(F, "gt", 3).stream().map(b::toDevice).toList();
            try (RpnTargets t = RpnTargets.assign(b, anchors, gt)) {
                checkTargetsAndLoss(b, t);
            } finally {
                anchors.forEach(Tensor::close);
                gt.forEach(Tensor::close);
            }
        }
    }

    private static void checkTargetsAndLoss(Backend b, RpnTargets t) {
        for (int i = 0; i < 3; i++) {
            org.rcnn4j.testing.TensorAssert.assertExact("labels " + i, F.get("labels" + i),
                    b.toHost(t.labels().get(i)));
            org.rcnn4j.testing.TensorAssert.assertExact("matched gt " + i, F.get("matched_gt" + i),
                    b.toHost(t.matchedGtBoxes().get(i)));
            assertClose("regression targets " + i, F.get("reg" + i), b.toHost(t.regressionTargets().get(i)),
                    FORWARD);
        }
        Var obj = Var.param(b, b.toDevice(Fx.copy(F.get("objectness"))));
        Var deltas = Var.param(b, b.toDevice(Fx.copy(F.get("deltas"))));
        RpnLoss.Result r = RpnLoss.compute(obj, deltas, t.labels(), t.regressionTargets(), Fx.samples(F, 3));
        assertClose("loss_objectness", F.get("loss_objectness"), b.toHost(r.objectness().value()), FORWARD);
        assertClose("loss_rpn_box_reg", F.get("loss_rpn_box_reg"), b.toHost(r.boxReg().value()), FORWARD);
        Ops.add(r.objectness(), Ops.mul(r.boxReg(), 2.0)).backward();
        assertClose("grad objectness", F.get("grad_objectness"), b.toHost(obj.grad()), GRADIENT);
        assertClose("grad deltas", F.get("grad_deltas"), b.toHost(deltas.grad()), GRADIENT);
    }

    @Test
    void targetsLossesAndGradientsAsTorchvision() {
        checkTargetsAndLoss(new CpuBackend());
    }

    @Test
    void flatObjectnessIsAccepted() {
        Backend b = new CpuBackend();
        try (Scope s = Scope.open()) {
            RpnTargets t = RpnTargets.assign(b, Fx.list(F, "anchors", 3), Fx.list(F, "gt", 3));
            Tensor o = F.get("objectness");
            Var obj = Var.param(b, Tensor.ofFloats(o.floats().clone(), o.numel()));
            Var deltas = Var.param(b, Fx.copy(F.get("deltas")));
            RpnLoss.Result r = RpnLoss.compute(obj, deltas, t.labels(), t.regressionTargets(), Fx.samples(F, 3));
            assertClose("loss_objectness", F.get("loss_objectness"), r.objectness().value(), FORWARD);
        }
    }

    @Test
    void sampledFromTheJavaSamplerTheLossIsFinite() {
        Backend b = new CpuBackend();
        try (Scope s = Scope.open()) {
            RpnTargets t = RpnTargets.assign(b, Fx.list(F, "anchors", 3), Fx.list(F, "gt", 3));
            List<SampledIndices> samples = new BalancedPositiveNegativeSampler(256, 0.5, 5).sample(b, t.labels());
            Var obj = Var.param(b, Fx.copy(F.get("objectness")));
            Var deltas = Var.param(b, Fx.copy(F.get("deltas")));
            RpnLoss.Result r = RpnLoss.compute(obj, deltas, t.labels(), t.regressionTargets(), samples);
            org.junit.jupiter.api.Assertions.assertTrue(Double.isFinite(r.objectness().item())
                    && Double.isFinite(r.boxReg().item()) && r.boxReg().item() > 0);
        }
    }
}
