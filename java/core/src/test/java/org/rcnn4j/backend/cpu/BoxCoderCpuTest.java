package org.rcnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rcnn4j.testing.ArgumentAssert.assertMessageLeadsWith;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.Fixtures;
import org.rcnn4j.testing.TensorAssert;

class BoxCoderCpuTest {
    private static final float CLIP = (float) Math.log(1000.0 / 16);
    private final Backend cpu = new CpuBackend();
    private final Map<String, Tensor> f = Fixtures.load("boxes_coder");

    @Test
    void decodeMatchesTorchvisionWithBothWeightsAndTheClamp() {
        for (int i = 0; i < 2; i++) {
            String c = "decode" + i + ".";
            Tensor rel = f.get(c + "rel_codes");
            Tensor out = cpu.boxes().decodeBoxes(rel, f.get(c + "boxes"), f.get(c + "weights").floats(),
                    f.get(c + "bbox_xform_clip").floats()[0]);
            TensorAssert.assertClose(c, f.get(c + "out"), out, TensorAssert.FORWARD);
            // the fixture drives dw/dh past the clamp, so the clamp is what keeps these finite and equal
            int clamped = 0;
            float[] r = rel.floats();
            float ww = f.get(c + "weights").floats()[2];
            for (int j = 2; j < r.length; j += 4) {
                clamped += r[j] / ww > CLIP ? 1 : 0;
            }
            assertTrue(clamped > 5, "clamped dw in " + c + ": " + clamped);
        }
    }

    @Test
    void encodeMatchesTorchvisionWithBothWeights() {
        for (int i = 0; i < 2; i++) {
            String c = "encode" + i + ".";
            Tensor out = cpu.boxes().encodeBoxes(f.get(c + "reference_boxes"), f.get(c + "proposals"),
                    f.get(c + "weights").floats());
            TensorAssert.assertClose(c, f.get(c + "out"), out, TensorAssert.FORWARD);
        }
    }

    @Test
    void encodeThenDecodeGivesTheReferenceBack() {
        String c = "encode1.";
        float[] w = f.get(c + "weights").floats();
        Tensor codes = cpu.boxes().encodeBoxes(f.get(c + "reference_boxes"), f.get(c + "proposals"), w);
        Tensor back = cpu.boxes().decodeBoxes(codes, f.get(c + "proposals"), w, CLIP);
        TensorAssert.assertClose("round trip", f.get(c + "reference_boxes"), back, 1e-5);
    }

    @Test
    void emptyInputs() {
        TensorAssert.assertShape("decode", cpu.boxes().decodeBoxes(Tensor.zeros(DType.F32, 0, 8),
                Tensor.zeros(DType.F32, 0, 4), new float[] {1, 1, 1, 1}, CLIP), 0, 8);
        TensorAssert.assertShape("encode", cpu.boxes().encodeBoxes(Tensor.zeros(DType.F32, 0, 4),
                Tensor.zeros(DType.F32, 0, 4), new float[] {1, 1, 1, 1}), 0, 4);
    }

    @Test
    void badInputsNameTheArgument() {
        float[] w = {1, 1, 1, 1};
        Tensor b = Tensor.zeros(DType.F32, 3, 4);
        assertMessageLeadsWith("rel_codes", () -> cpu.boxes().decodeBoxes(Tensor.zeros(DType.F32, 3, 6), b, w, CLIP));
        assertMessageLeadsWith("rel_codes", () -> cpu.boxes().decodeBoxes(Tensor.zeros(DType.F32, 3, 0), b, w, CLIP));
        assertMessageLeadsWith("rel_codes", () -> cpu.boxes().decodeBoxes(Tensor.zeros(DType.F64, 3, 4), b, w, CLIP));
        assertMessageLeadsWith("boxes", () -> cpu.boxes().decodeBoxes(Tensor.zeros(DType.F32, 2, 8), b, w, CLIP));
        assertMessageLeadsWith("boxes", () -> cpu.boxes().decodeBoxes(b, Tensor.zeros(DType.F32, 3, 5), w, CLIP));
        assertMessageLeadsWith("weights", () -> cpu.boxes().decodeBoxes(b, b, new float[] {1, 1, 1}, CLIP));
        assertMessageLeadsWith("weights", () -> cpu.boxes().decodeBoxes(b, b, new float[] {1, 1, 1, Float.NaN}, CLIP));
        assertMessageLeadsWith("bbox_xform_clip", () -> cpu.boxes().decodeBoxes(b, b, w, Float.NaN));
        assertMessageLeadsWith("reference_boxes", () -> cpu.boxes().encodeBoxes(Tensor.zeros(DType.F32, 3), b, w));
        assertMessageLeadsWith("proposals", () -> cpu.boxes().encodeBoxes(b, Tensor.zeros(DType.F32, 4, 4), w));
        assertMessageLeadsWith("proposals", () -> cpu.boxes().encodeBoxes(b, Tensor.zeros(DType.F64, 3, 4), w));
        assertMessageLeadsWith("weights", () -> cpu.boxes().encodeBoxes(b, b, null));
    }
}
