package org.rcnn4j.backend.cuda;

import static org.rcnn4j.testing.TensorAssert.FORWARD;
import static org.rcnn4j.testing.TensorAssert.assertClose;
import static org.rcnn4j.testing.TensorAssert.assertExact;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Gather;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.kernels.GatherKernels;
import org.rcnn4j.nn.functional.TensorMath;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.RandomTensors;

/**
 * cuda/gather.cu against the CPU backend's gather family on fresh random inputs, repeated and unused indices; the
 * gather's output is poisoned before the launch. Then the family through CudaBackend (concat, slice, take, copies
 * into a tensor, F64 through the host fallback) and through autograd.
 */
class GatherCudaTest {
    private static final Gather CPU = new CpuBackend().gather();

    @Test
    void kernelsMatchJava() {
        CudaDevice dev = CudaTestSupport.device();
        RandomTensors rnd = new RandomTensors();
        int rows = 9;
        int row = 37;
        long[] idx = {8, 0, 8, 3, 8, 5, 1, 1, 0, 7, 2};
        Tensor x = rnd.normal(rows, row);
        Tensor g = rnd.normal(idx.length, row);
        String what = "seed " + rnd.seed();
        CudaTestSupport.assertNoLeak(what, () -> {
            try (Tensor dx = CudaTestSupport.backend().toDevice(x); Tensor dg = CudaTestSupport.backend().toDevice(g);
                    Tensor di = CudaTestSupport.backend().toDevice(Tensor.ofLongs(idx.clone(), idx.length));
                    Tensor out = CudaTestSupport.poisoned(DType.F32, idx.length, row);
                    Tensor acc = CudaTestSupport.backend().toDevice(Tensor.zeros(DType.F32, rows, row))) {
                GatherKernels.rows(dev, dx.deviceBuffer(), di.deviceBuffer(), out.deviceBuffer(), idx.length, row,
                        rows);
                Tensor index = Tensor.ofLongs(idx.clone(), idx.length);
                assertExact(what + " rows", CPU.indexSelect(x, index), CudaTestSupport.backend().toHost(out));
                GatherKernels.scatterAddRows(dev, dg.deviceBuffer(), di.deviceBuffer(), acc.deviceBuffer(),
                        idx.length, row, rows);
                assertClose(what + " scatter add", CPU.indexAdd(g, Tensor.ofLongs(idx.clone(), idx.length), rows),
                        CudaTestSupport.backend().toHost(acc), FORWARD);
            }
        });
    }

    /** Empty operands and an empty index: the device copies and launches are skipped, shapes stay torch's. */
    @Test
    void emptyPieces() {
        org.rcnn4j.backend.Backend b = CudaTestSupport.backend();
        CudaTestSupport.assertNoLeak("empty pieces", () -> {
            try (Scope s = Scope.open()) {
                Var empty = Var.param(b, b.toDevice(Tensor.zeros(DType.F32, 0, 3)));
                Var x = Var.param(b, b.toDevice(Tensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3)));
                Var cat = TensorMath.concat(java.util.List.of(empty, x, empty));
                assertExact("concat", Tensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3), b.toHost(cat.value()));
                Var none = TensorMath.indexSelect(cat, Var.of(b, b.toDevice(Tensor.ofLongs(new long[0], 0))));
                org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {0, 3}, none.shape());
                Var picked = TensorMath.indexSelect(cat, Var.of(b, b.toDevice(Tensor.ofLongs(new long[] {1, 1}, 2))));
                TensorMath.sum(TensorMath.add(TensorMath.sum(none), TensorMath.sum(picked))).backward();
                assertExact("grad x", Tensor.ofFloats(new float[] {0, 0, 0, 2, 2, 2}, 2, 3), b.toHost(x.grad()));
                org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {0, 3}, empty.grad().shape());
            }
        });
    }

    /** The family's ops through CudaBackend against CpuBackend's, F32 and F64, outputs compared exactly. */
    @Test
    void familyMatchesCpu() {
        org.rcnn4j.backend.Backend b = CudaTestSupport.backend();
        RandomTensors rnd = new RandomTensors();
        long[] idx = {4, 0, 4, 2};
        for (boolean f32 : new boolean[] {true, false}) {
            Tensor x = f32 ? rnd.normal(5, 3) : org.rcnn4j.testing.HostValues.f64(rnd.normal(5, 3));
            Tensor y = f32 ? rnd.normal(2, 3) : org.rcnn4j.testing.HostValues.f64(rnd.normal(2, 3));
            Tensor g = f32 ? rnd.normal(4, 3) : org.rcnn4j.testing.HostValues.f64(rnd.normal(4, 3));
            Tensor index = Tensor.ofLongs(idx.clone(), idx.length);
            String what = x.dtype() + " seed " + rnd.seed();
            CudaTestSupport.assertNoLeak(what, () -> {
                try (Tensor dx = b.toDevice(x); Tensor dy = b.toDevice(y); Tensor dg = b.toDevice(g);
                        Tensor di = b.toDevice(index);
                        Tensor cat = b.gather().concat(new Tensor[] {dx, dy}, new int[] {7, 3});
                        Tensor slice = b.gather().slice(dx, 4, new int[] {2, 5});
                        Tensor picked = b.gather().indexSelect(dx, di);
                        Tensor added = b.gather().indexAdd(dg, di, 5);
                        Tensor taken = b.gather().take(dx, di);
                        Tensor into = CudaTestSupport.poisoned(x.dtype(), 2, 3)) {
                    assertExact(what + " concat", CPU.concat(new Tensor[] {x, y}, new int[] {7, 3}), b.toHost(cat));
                    assertExact(what + " slice", CPU.slice(x, 4, new int[] {2, 5}), b.toHost(slice));
                    assertExact(what + " index_select", CPU.indexSelect(x, index), b.toHost(picked));
                    assertClose(what + " index_add", CPU.indexAdd(g, index, 5), b.toHost(added), FORWARD);
                    assertExact(what + " take", CPU.take(x, index), b.toHost(taken));
                    b.gather().copyInto(y, into);
                    assertExact(what + " copy from the host", y, b.toHost(into));
                    try (Tensor part = b.gather().slice(dx, 0, new int[] {2, 3})) {
                        b.gather().copyInto(part, into);
                    }
                    assertExact(what + " copy on the device", CPU.slice(x, 0, new int[] {2, 3}), b.toHost(into));
                }
            });
        }
    }

    @Test
    void badIndexNamesItself() {
        org.rcnn4j.backend.Backend b = CudaTestSupport.backend();
        CudaTestSupport.assertNoLeak("bad index", () -> {
            try (Tensor dx = b.toDevice(Tensor.zeros(DType.F32, 3, 2));
                    Tensor di = b.toDevice(Tensor.ofLongs(new long[] {0, 5, 3, -1}, 4))) {
                // a device index is checked on the device: the first bad one (in order) fails at the next
                // synchronization, with the host check's exception; the rows it picked read NaN meanwhile
                Tensor[] out = new Tensor[1];
                out[0] = b.gather().indexSelect(dx, di);
                try {
                    org.rcnn4j.testing.ArgumentAssert.assertMessageNames("index 5 out of range for 3 rows",
                            () -> b.toHost(out[0]));
                    Tensor picked = b.toHost(out[0]); // reported once: the next synchronization is clean
                    org.junit.jupiter.api.Assertions.assertEquals(0f, picked.floats()[0]);
                    for (int i = 2; i < 8; i++) {
                        org.junit.jupiter.api.Assertions.assertTrue(Float.isNaN(picked.floats()[i]), "row " + i / 2);
                    }
                } finally {
                    out[0].close();
                }
                // synchronize() reports too
                b.gather().indexSelect(dx, di).close();
                org.rcnn4j.testing.ArgumentAssert.assertMessageNames("index 5 out of range for 3 rows",
                        b::synchronize);
                // a host index fails at once
                org.rcnn4j.testing.ArgumentAssert.assertMessageNames("index 3 out of range for 3 rows",
                        () -> b.gather().indexSelect(dx, Tensor.ofLongs(new long[] {0, 3}, 2)));
                org.rcnn4j.testing.ArgumentAssert.assertMessageNames("index 3 out of range for 3 rows",
                        () -> CPU.indexSelect(Tensor.zeros(DType.F32, 3, 2), Tensor.ofLongs(new long[] {0, 3}, 2)));
                // the adjoint checks its index on the device as well, and skips rows outside the input instead
                // of writing past them
                try (Tensor g = b.toDevice(Tensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 4, 2));
                        Tensor sum = b.gather().indexAdd(g, di, 3)) {
                    org.rcnn4j.testing.ArgumentAssert.assertMessageNames("index: element 1 is outside [0, 3)",
                            () -> b.toHost(sum));
                    org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {1, 2, 0, 0, 0, 0},
                            b.toHost(sum).floats());
                }
            }
        });
    }

    @Test
    void checksQueuedBetweenTwoSynchronizationsReportTheFirstThatFailed() {
        org.rcnn4j.backend.Backend b = CudaTestSupport.backend();
        CudaTestSupport.assertNoLeak("checks between synchronizations", () -> {
            try (Tensor dx = b.toDevice(new RandomTensors(12).normal(3, 2));
                    Tensor good = b.toDevice(Tensor.ofLongs(new long[] {5, 0}, 2));
                    Tensor badTake = b.toDevice(Tensor.ofLongs(new long[] {1, 6, 9}, 3));
                    Tensor badRows = b.toDevice(Tensor.ofLongs(new long[] {2, 7, -4}, 3))) {
                // a check that passes, then one that quotes its value: the value of its first bad element
                try (Tensor taken = b.gather().take(dx, good); Tensor picked = b.gather().indexSelect(dx, badRows)) {
                    org.rcnn4j.testing.ArgumentAssert.assertMessageNames("index 7 out of range for 3 rows",
                            () -> b.toHost(List.of(taken, picked)));
                }
                // the first failed check wins, whether or not a later one quotes its value
                try (Tensor taken = b.gather().take(dx, badTake); Tensor picked = b.gather().indexSelect(dx, badRows)) {
                    org.rcnn4j.testing.ArgumentAssert.assertMessageNames("index: element 1 is outside [0, 6)",
                            () -> b.toHost(picked));
                }
                try (Tensor picked = b.gather().indexSelect(dx, badRows); Tensor taken = b.gather().take(dx, badTake)) {
                    org.rcnn4j.testing.ArgumentAssert.assertMessageNames("index 7 out of range for 3 rows",
                            b::synchronize);
                }
                // each reported once: the next synchronization is clean
                try (Tensor taken = b.gather().take(dx, good)) {
                    assertExact("take after the reports", CPU.take(b.toHost(dx), Tensor.ofLongs(new long[] {5, 0}, 2)),
                            b.toHost(taken));
                }
            }
        });
    }
}
