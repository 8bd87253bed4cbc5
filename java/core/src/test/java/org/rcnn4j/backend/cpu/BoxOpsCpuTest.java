package org.rcnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.rcnn4j.testing.ArgumentAssert.assertMessageLeadsWith;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.Fixtures;
import org.rcnn4j.testing.TensorAssert;

class BoxOpsCpuTest {
    private final Backend cpu = new CpuBackend();
    private final Map<String, Tensor> f = Fixtures.load("boxes_ops");

    @Test
    void boxIouMatchesTorchvisionIncludingDegeneratePairs() {
        Tensor iou = cpu.boxes().boxIou(f.get("iou.boxes1"), f.get("iou.boxes2"));
        TensorAssert.assertClose("box_iou", f.get("iou.out"), iou, TensorAssert.FORWARD);
        assertEquals(Float.NaN, iou.floats()[0], "zero-area against zero-area is 0/0");
        TensorAssert.assertExact("box_iou bits", f.get("iou.out"), iou);
        TensorAssert.assertShape("box_iou empty", cpu.boxes().boxIou(f.get("iou_empty.boxes1"),
                f.get("iou_empty.boxes2")), 3, 0);
    }

    @Test
    void clipMatchesTorchvisionForAnyLeadingShape() {
        for (String c : new String[] {"clip.", "clip2."}) {
            long[] size = f.get(c + "size").longs();
            Tensor out = cpu.boxes().clipBoxesToImage(f.get(c + "boxes"), (int) size[0], (int) size[1]);
            TensorAssert.assertExact(c, f.get(c + "out"), out);
        }
        Tensor nan = cpu.boxes().clipBoxesToImage(Tensor.ofFloats(new float[] {Float.NaN, -5, 700, Float.NaN}, 1, 4),
                10, 20);
        TensorAssert.assertExact("NaN stays", Tensor.ofFloats(new float[] {Float.NaN, 0, 20, Float.NaN}, 1, 4), nan);
    }

    @Test
    void removeSmallBoxesMatchesTorchvisionAtTheBoundary() {
        for (int i = 0; f.containsKey("small" + i + ".keep"); i++) {
            String c = "small" + i + ".";
            Tensor keep = cpu.boxes().removeSmallBoxes(f.get(c + "boxes"), f.get(c + "min_size").floats()[0]);
            assertEquals(DType.I64, keep.dtype());
            TensorAssert.assertExact(c, f.get(c + "keep"), keep);
        }
        TensorAssert.assertShape("empty", cpu.boxes().removeSmallBoxes(Tensor.zeros(DType.F32, 0, 4), 1f), 0);
    }

    @Test
    void badInputsNameTheArgument() {
        Tensor ok = Tensor.zeros(DType.F32, 2, 4);
        assertMessageLeadsWith("boxes1", () -> cpu.boxes().boxIou(Tensor.zeros(DType.F32, 2, 3), ok));
        assertMessageLeadsWith("boxes2", () -> cpu.boxes().boxIou(ok, Tensor.zeros(DType.F64, 2, 4)));
        assertMessageLeadsWith("boxes2", () -> cpu.boxes().boxIou(ok, Tensor.zeros(DType.F32, 4)));
        assertMessageLeadsWith("boxes", () -> cpu.boxes().clipBoxesToImage(Tensor.zeros(DType.F32, 2, 5), 10, 10));
        assertMessageLeadsWith("boxes", () -> cpu.boxes().clipBoxesToImage(Tensor.zeros(DType.I64, 2, 4), 10, 10));
        assertMessageLeadsWith("height", () -> cpu.boxes().clipBoxesToImage(ok, -1, 10));
        assertMessageLeadsWith("width", () -> cpu.boxes().clipBoxesToImage(ok, 1, -10));
        assertMessageLeadsWith("boxes", () -> cpu.boxes().removeSmallBoxes(Tensor.zeros(DType.F32, 2, 2, 4), 1f));
        assertMessageLeadsWith("boxes", () -> cpu.boxes().removeSmallBoxes(Tensor.zeros(DType.F64, 2, 4), 1f));
    }
}
