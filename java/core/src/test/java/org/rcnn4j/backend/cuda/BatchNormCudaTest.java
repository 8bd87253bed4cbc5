package org.rcnn4j.backend.cuda;

import static org.rcnn4j.testing.TensorAssert.FORWARD;
import static org.rcnn4j.testing.TensorAssert.assertClose;

import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.RandomTensors;

/**
 * cuda/batch_norm.cu (channelAffine, channelSum) against the CPU backend on fresh random inputs, F32 and F64,
 * with the allocator's cached blocks poisoned so unwritten output elements show; 2-d and 5-d inputs, more
 * elements per channel than one block's threads, and N = 0.
 */
class BatchNormCudaTest {
    private final CpuBackend cpu = new CpuBackend();

    private static Tensor f64(Tensor f) {
        double[] d = new double[f.numel()];
        for (int i = 0; i < d.length; i++) {
            d[i] = f.getDouble(i);
        }
        return Tensor.ofDoubles(d, f.shape());
    }

    @Test
    void matchesTheCpuBackend() {
        CudaBackend cuda = CudaTestSupport.backend();
        RandomTensors rnd = new RandomTensors();
        int[][] shapes = {{2, 5, 9, 31}, {7, 3}, {2, 3, 2, 3, 4}, {0, 4, 3, 3}};
        for (int[] shape : shapes) {
            int c = shape[1];
            for (DType dtype : new DType[] {DType.F32, DType.F64}) {
                Tensor x = rnd.normal(shape);
                Tensor y = rnd.normal(shape);
                Tensor scale = rnd.normal(c);
                Tensor shift = rnd.normal(c);
                if (dtype == DType.F64) {
                    x = f64(x);
                    y = f64(y);
                    scale = f64(scale);
                    shift = f64(shift);
                }
                String what = java.util.Arrays.toString(shape) + " " + dtype + " seed " + rnd.seed();
                Tensor fx = x;
                Tensor fy = y;
                Tensor fs = scale;
                Tensor fh = shift;
                CudaTestSupport.assertNoLeak(what, () -> {
                    try (Tensor dx = cuda.toDevice(fx); Tensor dy = cuda.toDevice(fy); Tensor ds = cuda.toDevice(fs);
                            Tensor dh = cuda.toDevice(fh)) {
                        Tensor[] refs = {cpu.channels().channelAffine(fx, fs, fh), cpu.channels().channelAffine(fx, fs,
                                null), cpu.channels().channelAffine(fx, null, fh), cpu.channels().channelSum(fx, null),
                            cpu.channels().channelSum(fx, fy)};
                        String[] names = {"affine", "affine scale only", "affine shift only", "sum", "sum of products"};
                        for (int k = 0; k < refs.length; k++) {
                            Conv2dCudaTest.poisonCache(cuda, dtype, refs[k].shape());
                            try (Tensor out = switch (k) {
                                case 0 -> cuda.channels().channelAffine(dx, ds, dh);
                                case 1 -> cuda.channels().channelAffine(dx, ds, null);
                                case 2 -> cuda.channels().channelAffine(dx, null, dh);
                                case 3 -> cuda.channels().channelSum(dx, null);
                                default -> cuda.channels().channelSum(dx, dy);
                            }) {
                                assertClose(what + " " + names[k], refs[k], cuda.toHost(out), FORWARD);
                            }
                        }
                    }
                });
            }
        }
    }
}
