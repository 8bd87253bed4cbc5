package org.rcnn4j.backend.cuda;

import static org.rcnn4j.testing.TensorAssert.assertExact;

import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.BatchNormStats;
import org.rcnn4j.backend.Channels;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.ArgumentAssert;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.RandomTensors;

/**
 * Training batch norm's per-channel bookkeeping (Channels.batchNormMean, batchNormCoefficients,
 * batchNormBackwardTerms; cuda/batch_norm.cu) against the CPU backend on fresh random inputs, F32 and F64, with and
 * without weight, bias and running statistics. The kernels do the host's double arithmetic with explicitly rounded
 * operations, so the results must agree bit for bit (a fused multiply-add or a reordering shows here). Outputs start
 * poisoned, so an unwritten element shows as NaN.
 */
class BatchNormStatsCudaTest {
    private final Channels cpu = new CpuBackend().channels();

    /** f as F64 with values a float cannot hold (so an F64 kernel rounding through float shows). */
    private static Tensor f64(Tensor f) {
        double[] d = new double[f.numel()];
        for (int i = 0; i < d.length; i++) {
            d[i] = f.getDouble(i) * (1 + 1e-9 * (i + 1));
        }
        return Tensor.ofDoubles(d, f.shape());
    }

    private static Tensor copyOf(Tensor t) {
        return t.dtype() == DType.F64 ? Tensor.ofDoubles(t.doubles().clone(), t.shape())
                : Tensor.ofFloats(t.floats().clone(), t.shape());
    }

    @Test
    void matchesTheCpuBackendBitForBit() {
        CudaBackend cuda = CudaTestSupport.backend();
        RandomTensors r = new RandomTensors();
        int c = 301; // more channels than one block's threads
        long count = 2L * 13 * 17;
        double momentum = 0.1;
        double eps = 1e-5;
        for (DType dtype : new DType[] {DType.F32, DType.F64}) {
            Tensor[] in = {r.normal(c), r.uniform(0.01f, 50f, c), r.normal(c), r.uniform(0.1f, 3f, c), r.normal(c),
                r.normal(c), r.normal(c), r.normal(c)};
            if (dtype == DType.F64) {
                for (int i = 0; i < in.length; i++) {
                    in[i] = f64(in[i]);
                }
            }
            Tensor sums = in[0];
            Tensor squares = in[1];
            for (boolean full : new boolean[] {true, false}) {
                String what = dtype + (full ? " with" : " without") + " weight, bias and running stats, seed "
                        + r.seed();
                Tensor rm = full ? copyOf(in[2]) : null;
                Tensor rv = full ? copyOf(in[3]) : null;
                Tensor w = full ? in[4] : null;
                Tensor b = full ? in[5] : null;
                CudaTestSupport.assertNoLeak(what, () -> {
                    try (Tensor ds = cuda.toDevice(sums); Tensor dq = cuda.toDevice(squares);
                            Tensor drm = rm == null ? null : cuda.toDevice(copyOf(rm));
                            Tensor drv = rv == null ? null : cuda.toDevice(copyOf(rv));
                            Tensor dw = w == null ? null : cuda.toDevice(w);
                            Tensor db = b == null ? null : cuda.toDevice(b);
                            Tensor dy = cuda.toDevice(in[6]); Tensor dyx = cuda.toDevice(in[7]);
                            BatchNormStats mean = cpu.batchNormMean(sums, count);
                            BatchNormStats k = cpu.batchNormCoefficients(mean.state(), squares, rm, rv, w, b, count,
                                    momentum, eps);
                            Tensor terms = cpu.batchNormBackwardTerms(k.state(), in[6], in[7], count)) {
                        Conv2dCudaTest.poisonCache(cuda, DType.F64, new int[] {1, c}, new int[] {3, c});
                        Conv2dCudaTest.poisonCache(cuda, dtype, new int[] {1, c}, new int[] {2, c}, new int[] {4, c});
                        try (BatchNormStats gotMean = cuda.channels().batchNormMean(ds, count);
                                BatchNormStats gotK = cuda.channels().batchNormCoefficients(gotMean.state(), dq, drm,
                                        drv, dw, db, count, momentum, eps);
                                Tensor gotTerms = cuda.channels().batchNormBackwardTerms(gotK.state(), dy, dyx,
                                        count)) {
                            assertExact(what + ": mean state", mean.state(), cuda.toHost(gotMean.state()));
                            assertExact(what + ": -mean", mean.values(), cuda.toHost(gotMean.values()));
                            assertExact(what + ": coefficient state", k.state(), cuda.toHost(gotK.state()));
                            assertExact(what + ": a and shift", k.values(), cuda.toHost(gotK.values()));
                            assertExact(what + ": backward terms", terms, cuda.toHost(gotTerms));
                            if (full) {
                                assertExact(what + ": running mean", rm, cuda.toHost(drm));
                                assertExact(what + ": running var", rv, cuda.toHost(drv));
                            }
                        }
                    }
                });
            }
        }
    }

    @Test
    void badArgumentsNameTheArgument() {
        for (Channels ch : new Channels[] {cpu, CudaTestSupport.backend().channels()}) {
            Tensor sums = Tensor.zeros(DType.F32, 3);
            Tensor state = Tensor.zeros(DType.F64, 3, 3);
            ArgumentAssert.assertMessageLeadsWith("count", () -> ch.batchNormMean(sums, 1));
            ArgumentAssert.assertMessageLeadsWith("sums", () -> ch.batchNormMean(Tensor.zeros(DType.I64, 3), 4));
            ArgumentAssert.assertMessageLeadsWith("mean", () -> ch.batchNormCoefficients(Tensor.zeros(DType.F32, 1, 3),
                    sums, null, null, null, null, 4, 0.1, 1e-5));
            ArgumentAssert.assertMessageLeadsWith("weight", () -> ch.batchNormCoefficients(state, sums, null, null,
                    Tensor.zeros(DType.F32, 2), null, 4, 0.1, 1e-5));
            ArgumentAssert.assertMessageLeadsWith("eps", () -> ch.batchNormCoefficients(state, sums, null, null, null,
                    null, 4, 0.1, 0));
            ArgumentAssert.assertMessageLeadsWith("state", () -> ch.batchNormBackwardTerms(Tensor.zeros(DType.F64, 1,
                    3), sums, sums, 4));
            ArgumentAssert.assertMessageLeadsWith("sum_dy_x", () -> ch.batchNormBackwardTerms(state, sums,
                    Tensor.zeros(DType.F64, 3), 4));
        }
    }
}
