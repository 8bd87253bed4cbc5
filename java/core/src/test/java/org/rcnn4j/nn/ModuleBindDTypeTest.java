package org.rcnn4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/** Block.to(backend, F64): float entries bound as F64, the entries' values stay F32 outside the binding. */
class ModuleBindDTypeTest {
    private final CpuBackend cpu = new CpuBackend();

    private static Sequential model() {
        Sequential s = new Sequential(new Conv2d(2, 3, 3, 1, 1, true), new BatchNorm2d(3));
        s.initialize(5);
        return s;
    }

    @Test
    void bindsFloatEntriesAsF64AndOthersAsIs() {
        Sequential s = model();
        LinkedHashMap<String, Tensor> before = new LinkedHashMap<>(s.stateDict());
        s.to(cpu, DType.F64);
        try {
            Map<String, StateEntry> entries = s.stateEntries();
            assertEquals(DType.F64, entries.get("0.weight").var().dtype());
            assertEquals(DType.F64, entries.get("1.running_var").var().dtype());
            assertEquals(DType.I64, entries.get("1.num_batches_tracked").var().dtype());
            assertTrue(entries.get("0.weight").var().requiresGrad());
            // exact values, widened
            float[] w = before.get("0.weight").floats();
            double[] bound = entries.get("0.weight").var().value().doubles();
            for (int i = 0; i < w.length; i++) {
                assertEquals(w[i], bound[i], 0.0);
            }
            // value() and stateDict() keep the entries' dtype while bound
            assertEquals(DType.F32, entries.get("0.weight").value().dtype());
            s.stateDict().forEach((k, t) -> assertEquals(entries.get(k).dtype(), t.dtype(), k));
            // a forward pass runs in F64 (training mode: it updates the running statistics, in F64)
            Var y = s.forward(Var.of(cpu, Tensor.ofDoubles(new double[2 * 4 * 4], 1, 2, 4, 4)));
            assertEquals(DType.F64, y.dtype());
            y.close();
        } finally {
            s.release();
        }
        // release converts back: F32 values equal to the originals (a round trip F32 -> F64 -> F32 is exact);
        // the running statistics keep their F64 update, rounded
        s.stateDict().forEach((k, t) -> {
            assertEquals(before.get(k).dtype(), t.dtype(), k);
            if (k.contains("running_")) {
                assertTrue(!java.util.Arrays.equals(before.get(k).floats(), t.floats()), k + " not updated");
            } else if (t.dtype() == DType.F32) {
                assertArrayEquals(before.get(k).floats(), t.floats(), k);
            }
        });
    }

    @Test
    void releaseRoundsF64UpdatesToF32() {
        Linear l = new Linear(1, 1, false);
        l.initialize(1);
        l.to(cpu, DType.F64);
        l.weight().var().value().doubles()[0] = 1.0 + 1e-12; // an F64 update below float resolution
        l.release();
        assertEquals(DType.F32, l.weight().value().dtype());
        assertEquals(1.0f, l.weight().value().floats()[0]);
        // and the module binds again in F32
        l.to(cpu);
        assertEquals(DType.F32, l.weight().var().dtype());
        l.release();
    }

    @Test
    void rejectsNonFloatTypes() {
        Linear l = new Linear(1, 1);
        l.initialize(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> l.to(cpu, DType.I64));
        assertTrue(e.getMessage().contains("floatType"), e.getMessage());
        assertTrue(!l.isBound());
    }
}
