package org.rcnn4j.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.TensorAssert;

/**
 * What a backend user writes as torch's {@code x.to(dtype)}, {@code boxes[keep]} and {@code boxes[mask]}: every dtype
 * pair through Convert, index_select and masked rows of every dtype, on fresh random values; the CPU against values
 * the test computes with Java's casts, CUDA against the CPU exactly.
 */
class ConvertAndRowsTest {
    private static final Backend CPU = new CpuBackend();

    /**
     * Random values of {@code dtype} that every dtype holds after conversion: integers in [0, 255], floating values
     * in (-1, 256) with fractions (truncation toward zero keeps them in [0, 255]).
     */
    static Tensor values(DType dtype, SplittableRandom r, int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        switch (dtype) {
            case F32: {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (float) r.nextDouble(-0.99, 255.99);
                }
                return Tensor.ofFloats(v, shape);
            }
            case F64: {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = r.nextDouble(-0.99, 255.99);
                }
                return Tensor.ofDoubles(v, shape);
            }
            case I64: {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = r.nextInt(256);
                }
                return Tensor.ofLongs(v, shape);
            }
            case I32: {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    v[i] = r.nextInt(256);
                }
                return Tensor.ofInts(v, shape);
            }
            default: {
                byte[] v = new byte[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (byte) r.nextInt(256);
                }
                return Tensor.ofBytes(v, shape);
            }
        }
    }

    /** Element i of x converted as torch does it, by Java's casts: truncation to integers, rounding to floats. */
    static double expected(Tensor x, int i, DType to) {
        double v = x.getDouble(i);
        return switch (to) {
            case F32 -> x.dtype() == DType.I64 ? (float) x.getLong(i) : (float) v;
            case F64 -> v;
            case I64, I32, U8 -> (long) v;
        };
    }

    static Stream<Arguments> pairs() {
        List<Arguments> out = new ArrayList<>();
        for (DType from : DType.values()) {
            for (DType to : DType.values()) {
                out.add(Arguments.of(from, to));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} to {1}")
    @MethodSource("pairs")
    void everyDtypePairConvertsAlike(DType from, DType to) {
        long seed = System.nanoTime();
        Tensor x = values(from, new SplittableRandom(seed), 7, 5);
        Tensor cpu = CPU.convert().to(x, to);
        assertEquals(to, cpu.dtype());
        assertArrayEquals(new int[] {7, 5}, cpu.shape());
        for (int i = 0; i < x.numel(); i++) {
            assertEquals(expected(x, i, to), cpu.getDouble(i), "seed " + seed + " element " + i + " of " + from
                    + " " + x.getDouble(i));
        }
        Backend cuda = CudaTestSupport.backend();
        try (Tensor d = cuda.toDevice(x); Tensor converted = cuda.convert().to(d, to)) {
            TensorAssert.assertExact("seed " + seed + " " + from + " to " + to + " on " + cuda.name(), cpu,
                    cuda.toHost(converted));
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void indexSelectAndMaskedRowsOfEveryDtype(DType dtype) {
        long seed = System.nanoTime();
        SplittableRandom r = new SplittableRandom(seed);
        Tensor x = values(dtype, r, 6, 3);
        long[] keep = {5, 0, 5, 2};
        byte[] mask = new byte[6];
        List<Integer> masked = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            mask[i] = (byte) (r.nextBoolean() ? 1 + r.nextInt(255) : 0);
            if (mask[i] != 0) {
                masked.add(i);
            }
        }
        Tensor picked = CPU.gather().indexSelect(x, Tensor.ofLongs(keep.clone(), keep.length));
        Tensor rows = CPU.gather().maskedSelect(x, Tensor.ofBytes(mask.clone(), 6));
        assertArrayEquals(new int[] {4, 3}, picked.shape());
        assertArrayEquals(new int[] {masked.size(), 3}, rows.shape());
        for (int k = 0; k < keep.length; k++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(x.getDouble((int) keep[k] * 3 + j), picked.getDouble(k * 3 + j), "seed " + seed);
            }
        }
        for (int k = 0; k < masked.size(); k++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(x.getDouble(masked.get(k) * 3 + j), rows.getDouble(k * 3 + j), "seed " + seed);
            }
        }
        Backend cuda = CudaTestSupport.backend();
        try (Tensor d = cuda.toDevice(x); Tensor index = cuda.toDevice(Tensor.ofInts(new int[] {5, 0, 5, 2}, 4));
                Tensor m = cuda.toDevice(Tensor.ofBytes(mask.clone(), 6));
                Tensor dPicked = cuda.gather().indexSelect(d, index);
                Tensor dRows = cuda.gather().maskedSelect(d, m);
                Tensor noMask = cuda.toDevice(Tensor.zeros(DType.U8, 6));
                Tensor none = cuda.gather().maskedSelect(d, noMask)) {
            TensorAssert.assertExact("seed " + seed + " index_select " + dtype, picked, cuda.toHost(dPicked));
            TensorAssert.assertExact("seed " + seed + " masked rows " + dtype, rows, cuda.toHost(dRows));
            assertArrayEquals(new int[] {0, 3}, none.shape());
        }
    }
}
