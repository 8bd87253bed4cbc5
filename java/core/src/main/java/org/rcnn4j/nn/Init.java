package org.rcnn4j.nn;

import java.util.random.RandomGenerator;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * How a parameter or buffer gets its initial value: torch.nn.init's rules, with fans computed from the tensor's
 * shape the way torch does (dimension 1 is fan-in, dimension 0 fan-out, times the receptive field; so a
 * ConvTranspose2d weight [in,out,kh,kw] has fan-in out*kh*kw, as in torch).
 */
@FunctionalInterface
public interface Init {

    /** A fresh tensor of {@code dtype} and {@code shape}, drawn from {@code rng} when the rule is random. */
    Tensor create(DType dtype, int[] shape, RandomGenerator rng);

    /** Every element {@code value} (any dtype). */
    static Init constant(double value) {
        return (dtype, shape, rng) -> {
            Tensor t = Tensor.zeros(dtype, shape);
            if (value != 0) {
                switch (dtype) {
                    case F32 -> java.util.Arrays.fill(t.floats(), (float) value);
                    case F64 -> java.util.Arrays.fill(t.doubles(), value);
                    case I64 -> java.util.Arrays.fill(t.longs(), (long) value);
                    case I32 -> java.util.Arrays.fill(t.ints(), (int) value);
                    case U8 -> java.util.Arrays.fill(t.bytes(), (byte) value);
                }
            }
            return t;
        };
    }

    static Init zeros() {
        return constant(0);
    }

    static Init ones() {
        return constant(1);
    }

    /** U(-bound, bound). */
    static Init uniform(double bound) {
        return (dtype, shape, rng) -> {
            Tensor t = floatTensor(dtype, shape);
            float[] d = t.floats();
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) ((2 * rng.nextDouble() - 1) * bound);
            }
            return t;
        };
    }

    /** N(0, std²). */
    static Init normal(double std) {
        return (dtype, shape, rng) -> {
            Tensor t = floatTensor(dtype, shape);
            float[] d = t.floats();
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) (rng.nextGaussian() * std);
            }
            return t;
        };
    }

    /** torch.nn.init.kaiming_uniform_(w, a, mode='fan_in', nonlinearity='leaky_relu'). */
    static Init kaimingUniform(double a) {
        return (dtype, shape, rng) -> {
            double gain = Math.sqrt(2.0 / (1 + a * a));
            double bound = gain * Math.sqrt(3.0 / fanIn(shape));
            return uniform(bound).create(dtype, shape, rng);
        };
    }

    /** torch.nn.init.kaiming_normal_(w, mode='fan_out', nonlinearity='relu'). */
    static Init kaimingNormalFanOutRelu() {
        return (dtype, shape, rng) -> normal(Math.sqrt(2.0) / Math.sqrt(fanOut(shape))).create(dtype, shape, rng);
    }

    /** The default bias of torch's Conv and Linear layers: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) of their weight. */
    static Init defaultBias(int[] weightShape) {
        int fanIn = fanIn(weightShape);
        return uniform(fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0);
    }

    /** torch's fan-in of a weight of this shape: size(1) times the receptive field. */
    static int fanIn(int[] shape) {
        requireMatrix(shape);
        return shape[1] * receptiveField(shape);
    }

    /** torch's fan-out of a weight of this shape: size(0) times the receptive field. */
    static int fanOut(int[] shape) {
        requireMatrix(shape);
        return shape[0] * receptiveField(shape);
    }

    private static int receptiveField(int[] shape) {
        int r = 1;
        for (int i = 2; i < shape.length; i++) {
            r *= shape[i];
        }
        return r;
    }

    private static void requireMatrix(int[] shape) {
        if (shape.length < 2) {
            throw new IllegalArgumentException("fan in and fan out need a tensor of at least 2 dimensions, got "
                    + java.util.Arrays.toString(shape));
        }
    }

    private static Tensor floatTensor(DType dtype, int[] shape) {
        if (dtype != DType.F32) {
            throw new IllegalArgumentException("random initialization is for F32 tensors, not " + dtype);
        }
        return Tensor.zeros(DType.F32, shape);
    }
}
