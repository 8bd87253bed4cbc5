package org.rcnn4j.detection;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/** Bad inputs of the detection pieces throw IllegalArgumentException naming torchvision's argument. */
class DetectionArgumentsTest {
    private final Backend cpu = new CpuBackend();

    private static void throwsNaming(String name, Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(name), "message should name " + name + ": " + x.getMessage());
    }

    private static Tensor boxes(float... xs) {
        return Tensor.ofFloats(xs, xs.length / 4, 4);
    }

    @Test
    void targets() {
        Tensor a = boxes(0, 0, 10, 10, 5, 5, 20, 20);
        throwsNaming("anchors", () -> RpnTargets.assign(cpu, List.of(a, a), List.of(a)));
        throwsNaming("anchors", () -> RpnTargets.assign(cpu, List.of(Tensor.zeros(DType.F32, 3, 5)), List.of(a)));
        throwsNaming("gt_labels", () -> RoiTargets.assign(cpu, List.of(a), List.of(a),
                List.of(Tensor.ofLongs(new long[] {1}, 1))));
        throwsNaming("samples", () -> RoiTargets.select(cpu, List.of(a), List.of(a),
                List.of(Tensor.ofLongs(new long[] {1, 2}, 2)),
                List.of(new SampledIndices(new long[] {9}, new long[0]))));
    }

    @Test
    void losses() {
        try (Scope s = Scope.open()) {
            Var logits = Var.param(cpu, Tensor.zeros(DType.F32, 2, 3));
            Var reg = Var.param(cpu, Tensor.zeros(DType.F32, 2, 8));
            throwsNaming("box_regression", () -> FastRcnnLoss.compute(logits, reg,
                    List.of(Tensor.ofLongs(new long[] {0, 1}, 2)), List.of(Tensor.zeros(DType.F32, 2, 4))));
            Var reg12 = Var.param(cpu, Tensor.zeros(DType.F32, 2, 12));
            throwsNaming("labels", () -> FastRcnnLoss.compute(logits, reg12,
                    List.of(Tensor.ofLongs(new long[] {0}, 1)), List.of(Tensor.zeros(DType.F32, 1, 4))));
            Var obj = Var.param(cpu, Tensor.zeros(DType.F32, 3, 1));
            Var deltas = Var.param(cpu, Tensor.zeros(DType.F32, 2, 4));
            throwsNaming("pred_bbox_deltas", () -> RpnLoss.compute(obj, deltas, List.of(Tensor.zeros(DType.F32, 3)),
                    List.of(Tensor.zeros(DType.F32, 3, 4)), List.of(new SampledIndices(new long[0], new long[0]))));
            Var masks = Var.param(cpu, Tensor.zeros(DType.F32, 1, 2, 4, 5));
            throwsNaming("mask_logits", () -> MaskRcnnLoss.compute(masks, List.of(), List.of(), List.of(),
                    List.of()));
        }
    }

    @Test
    void inference() {
        Tensor p = boxes(0, 0, 10, 10);
        throwsNaming("box_regression", () -> DetectionPostprocess.postprocess(cpu, Tensor.zeros(DType.F32, 1, 3),
                Tensor.zeros(DType.F32, 1, 8), List.of(p), List.of(new int[] {20, 20})));
        throwsNaming("proposals", () -> DetectionPostprocess.postprocess(cpu, Tensor.zeros(DType.F32, 2, 3),
                Tensor.zeros(DType.F32, 2, 12), List.of(p), List.of(new int[] {20, 20})));
        throwsNaming("labels", () -> MaskInference.probabilities(cpu, Tensor.zeros(DType.F32, 1, 3, 2, 2),
                List.of(Tensor.ofLongs(new long[] {3}, 1))));
    }
}
