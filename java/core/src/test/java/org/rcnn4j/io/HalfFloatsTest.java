package org.rcnn4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.Fixtures;

/**
 * F16 and BF16 safetensors are read as F32 holding torch's float32 of the same values (fixture from
 * java/core/src/test/fixtures/gen_half.py: zeros of both signs, the largest half, subnormals, infinities, NaN,
 * random values), bit for bit.
 */
class HalfFloatsTest {

    @Test
    void halfAndBfloat16TensorsReadAsTorchWidensThem() throws IOException {
        Map<String, Tensor> f = Fixtures.load("safetensors_half");
        for (String name : new String[] {"half", "bfloat"}) {
            Tensor got = f.get(name);
            Tensor want = f.get(name + "_expected");
            assertEquals(DType.F32, got.dtype(), name);
            assertEquals(java.util.Arrays.toString(want.shape()), java.util.Arrays.toString(got.shape()), name);
            for (int i = 0; i < want.numel(); i++) {
                assertEquals(Float.floatToRawIntBits(want.floats()[i]), Float.floatToRawIntBits(got.floats()[i]),
                        name + "[" + i + "]: " + want.floats()[i] + " vs " + got.floats()[i]);
            }
        }
    }

    @Test
    void halfBitsByHand() {
        assertEquals(1f, HalfFloats.halfToFloat((short) 0x3c00));
        assertEquals(-2f, HalfFloats.halfToFloat((short) 0xc000));
        assertEquals(0x1p-24f, HalfFloats.halfToFloat((short) 0x0001));
        assertEquals(-0f, HalfFloats.halfToFloat((short) 0x8000));
        assertEquals(65504f, HalfFloats.halfToFloat((short) 0x7bff));
        assertTrue(Float.isNaN(HalfFloats.halfToFloat((short) 0x7e00)));
        assertEquals(1f, HalfFloats.bfloat16ToFloat((short) 0x3f80));
        assertEquals(Float.NEGATIVE_INFINITY, HalfFloats.bfloat16ToFloat((short) 0xff80));
    }
}
