package org.rcnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/** box_iou of 50,000 x 50,000 boxes (2.5e9 IoUs) is refused by name before anything is allocated (issue 17). */
class BoxIouSizeTest {

    @Test
    void moreIousThanATensorHoldsAreRefused() {
        try (CpuBackend cpu = new CpuBackend()) {
            Tensor many = Tensor.zeros(DType.F32, 50_000, 4);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> cpu.boxes().boxIou(many, many));
            assertTrue(e.getMessage().startsWith("box_iou: ") && e.getMessage().contains("2500000000 IoUs"),
                    e.getMessage());
            // the largest that fits still runs
            Tensor one = Tensor.ofFloats(new float[] {0, 0, 2, 2}, 1, 4);
            assertEquals(50_000, cpu.boxes().boxIou(many, one).numel());
        }
    }
}
