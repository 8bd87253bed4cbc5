package org.rcnn4j.autograd;

import static org.rcnn4j.testing.TensorAssert.FORWARD;
import static org.rcnn4j.testing.TensorAssert.assertClose;
import static org.rcnn4j.testing.TensorAssert.assertExact;

import org.junit.jupiter.api.Test;
import org.rcnn4j.autograd.cpu.Gather;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.kernels.GatherKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.RandomTensors;

/**
 * cuda/gather.cu against autograd's Java row gather and scatter-add on fresh random inputs, repeated and
 * unused indices; the gather's output is poisoned before the launch.
 */
class GatherCudaTest {
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
                GatherKernels.rows(dev, dx.deviceBuffer(), di.deviceBuffer(), out.deviceBuffer(), idx.length, row);
                assertExact(what + " rows", Tensor.ofFloats(Gather.rows(x.floats(), row, idx), idx.length, row),
                        CudaTestSupport.backend().toHost(out));
                GatherKernels.scatterAddRows(dev, dg.deviceBuffer(), di.deviceBuffer(), acc.deviceBuffer(),
                        idx.length, row);
                assertClose(what + " scatter add", Tensor.ofFloats(Gather.scatterAddRows(g.floats(), row, idx, rows),
                        rows, row), CudaTestSupport.backend().toHost(acc), FORWARD);
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
                Var cat = Ops.concat(java.util.List.of(empty, x, empty));
                assertExact("concat", Tensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3), b.toHost(cat.value()));
                Var none = Ops.indexSelect(cat, Var.of(b, b.toDevice(Tensor.ofLongs(new long[0], 0))));
                org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {0, 3}, none.shape());
                Var picked = Ops.indexSelect(cat, Var.of(b, b.toDevice(Tensor.ofLongs(new long[] {1, 1}, 2))));
                Ops.sum(Ops.add(Ops.sum(none), Ops.sum(picked))).backward();
                assertExact("grad x", Tensor.ofFloats(new float[] {0, 0, 0, 2, 2, 2}, 2, 3), b.toHost(x.grad()));
                org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {0, 3}, empty.grad().shape());
            }
        });
    }
}
