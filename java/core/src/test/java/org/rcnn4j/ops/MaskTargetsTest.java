package org.rcnn4j.ops;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.Fixtures;
import org.rcnn4j.testing.TensorAssert;

/** MaskTargets.project on the CPU against torchvision's project_masks_on_boxes (gen_masks.py). */
class MaskTargetsTest {
    private final Backend cpu = new CpuBackend();

    @ParameterizedTest
    @ValueSource(strings = {"u8", "f32", "empty"})
    void matchesTorchvision(String name) {
        Map<String, Tensor> f = Fixtures.load("masks_project_" + name);
        int m = (int) f.get("params").longs()[0];
        Tensor out = MaskTargets.project(cpu, f.get("gt_masks"), f.get("proposals"), f.get("matched_idxs"), m);
        TensorAssert.assertClose("project " + name, f.get("out"), out, TensorAssert.FORWARD);
    }

    @Test
    void acceptsInt32Indices() {
        Map<String, Tensor> f = Fixtures.load("masks_project_u8");
        long[] idx = f.get("matched_idxs").longs();
        int[] idx32 = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            idx32[i] = (int) idx[i];
        }
        int m = (int) f.get("params").longs()[0];
        Tensor out = MaskTargets.project(cpu, f.get("gt_masks"), f.get("proposals"),
                Tensor.ofInts(idx32, idx32.length), m);
        TensorAssert.assertClose("project with I32 indices", f.get("out"), out, TensorAssert.FORWARD);
    }

    @Test
    void badInputNamesTheArgument() {
        Tensor gt = Tensor.zeros(DType.U8, 2, 10, 12);
        Tensor boxes = Tensor.ofFloats(new float[] {1, 2, 5, 6, 0, 0, 3, 3}, 2, 4);
        Tensor idx = Tensor.ofLongs(new long[] {0, 1}, 2);
        assertMessage("gt_masks", () -> MaskTargets.project(cpu, gt.reshape(2, 1, 10, 12), boxes, idx, 28));
        assertMessage("gt_masks", () -> MaskTargets.project(cpu, Tensor.zeros(DType.I64, 2, 10, 12), boxes, idx, 28));
        assertMessage("proposals", () -> MaskTargets.project(cpu, gt, boxes.reshape(1, 8), idx, 28));
        assertMessage("proposals", () -> MaskTargets.project(cpu, gt, Tensor.zeros(DType.F64, 2, 4), idx, 28));
        assertMessage("matched_idxs", () -> MaskTargets.project(cpu, gt, boxes, Tensor.ofLongs(new long[] {0}, 1), 28));
        assertMessage("matched_idxs", () -> MaskTargets.project(cpu, gt, boxes, Tensor.zeros(DType.F32, 2), 28));
        assertMessage("matched_idxs", () -> MaskTargets.project(cpu, gt, boxes, Tensor.ofLongs(new long[] {0, 2}, 2),
                28));
        assertMessage("matched_idxs", () -> MaskTargets.project(cpu, gt, boxes, Tensor.ofLongs(new long[] {-1, 0}, 2),
                28));
        assertMessage("M", () -> MaskTargets.project(cpu, gt, boxes, idx, 0));
    }

    private static void assertMessage(String argument, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(argument), "message should name " + argument + ": " + e.getMessage());
    }
}
