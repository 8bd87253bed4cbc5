package org.rcnn4j.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.rcnn4j.autograd.GradCheck.check;
import static org.rcnn4j.autograd.GradCheck.random;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;

/** Rearrange.gather (the RPN's per-level permute + concat): values and float64 finite-difference gradients. */
class RearrangeGradCheckTest {

    /** A subset permutation of 2*3 + 4 = 10 source elements, skipping some (they get zero gradient). */
    private static final int[] SOURCE = {9, 0, 4, 6, 1, 8, 3};

    @Test
    void gathersTheSourceElements() {
        Backend b = new CpuBackend();
        try (Scope s = Scope.open()) {
            Var x = Var.of(b, Tensor.ofDoubles(new double[] {0, 1, 2, 3, 4, 5}, 2, 3));
            Var y = Var.of(b, Tensor.ofDoubles(new double[] {6, 7, 8, 9}, 4));
            Var g = Rearrange.gather(List.of(x, y), SOURCE, 7, 1);
            assertArrayEquals(new int[] {7, 1}, g.shape());
            assertArrayEquals(new double[] {9, 0, 4, 6, 1, 8, 3}, g.toHost().doubles());
        }
    }

    @Test
    void gradientCpu() {
        all(new CpuBackend());
    }

    @Test
    void gradientCuda() {
        all(CudaTestSupport.backend());
    }

    private static void all(Backend b) {
        long live = Live.tensors();
        check(b.name() + ": gather two inputs", b, v -> Rearrange.gather(List.of(v[0], v[1]), SOURCE, 7),
                random(31, 2, 3), random(32, 4));
        // an input used twice in the list: its two slots are distinct sources whose gradients add up
        check(b.name() + ": gather the same input twice", b, v -> Rearrange.gather(List.of(v[0], v[0]),
                new int[] {5, 0, 2, 3}, 2, 2), random(33, 3));
        check(b.name() + ": gather then a nonlinear op", b, v -> Ops.mul(Rearrange.gather(List.of(v[0]),
                new int[] {2, 1, 0}, 3), v[1]), random(34, 3), random(35, 3));
        assertEquals(live, Live.tensors());
    }
}
