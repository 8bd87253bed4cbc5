package org.rcnn4j.nn.functional;

import java.util.Arrays;
import java.util.List;
import org.rcnn4j.autograd.Autograd;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Elementwise;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/**
 * Differentiable elementwise, reduction and shape ops (torch names; named TensorMath rather than Ops, the CLI's
 * op runner being cli.Ops). Operands are F32 or F64 Vars on one backend;
 * elementwise ops take equal shapes (no broadcasting). Forward and backward run on the Vars' backend
 * ({@link Backend#elementwise()}, {@link Backend#reduce()}, {@link Backend#gather()}).
 */
public final class TensorMath {
    private TensorMath() {
    }

    static void checkFloat(String op, String arg, Var v) {
        if (v.dtype() != DType.F32 && v.dtype() != DType.F64) {
            throw new IllegalArgumentException(op + ": " + arg + " must be F32 or F64, got " + v.dtype());
        }
    }

    static void checkPair(String op, Var a, Var b) {
        checkFloat(op, "input", a);
        if (a.backend() != b.backend()) {
            throw new IllegalArgumentException(op + ": operands live on different backends (" + a.backend().name()
                    + ", " + b.backend().name() + ")");
        }
        Values.checkSame(op, a.value(), b.value());
    }

    public static Var add(Var a, Var b) {
        return addScaled("add", a, b, 1.0);
    }

    public static Var sub(Var a, Var b) {
        return addScaled("sub", a, b, -1.0);
    }

    private static Var addScaled(String name, Var a, Var b, double alpha) {
        checkPair(name, a, b);
        Backend be = a.backend();
        Elementwise e = be.elementwise();
        Tensor out = e.axpby(a.value(), b.value(), 1.0, alpha);
        return Autograd.record(name, be, out, g -> new Tensor[] {
            a.requiresGrad() ? e.scale(g, 1.0) : null,
            b.requiresGrad() ? e.scale(g, alpha) : null}, new Var[] {a, b});
    }

    public static Var mul(Var a, Var b) {
        checkPair("mul", a, b);
        Backend be = a.backend();
        Elementwise e = be.elementwise();
        Tensor out = e.mul(a.value(), b.value());
        return Autograd.record("mul", be, out, g -> new Tensor[] {
            a.requiresGrad() ? e.mul(g, b.value()) : null,
            b.requiresGrad() ? e.mul(g, a.value()) : null}, new Var[] {a, b});
    }

    public static Var mul(Var a, double s) {
        checkFloat("mul", "input", a);
        Backend be = a.backend();
        return Autograd.record("mul", be, be.elementwise().scale(a.value(), s),
                g -> new Tensor[] {be.elementwise().scale(g, s)}, new Var[] {a});
    }

    public static Var relu(Var x) {
        checkFloat("relu", "input", x);
        // backward reads the output: it must stay open until then (as torch's saved tensors)
        Var[] self = new Var[1];
        Backend be = x.backend();
        self[0] = Autograd.record("relu", be, be.elementwise().relu(x.value()),
                g -> new Tensor[] {be.elementwise().reluBackward(g, self[0].value())}, new Var[] {x});
        return self[0];
    }

    public static Var sigmoid(Var x) {
        checkFloat("sigmoid", "input", x);
        Var[] self = new Var[1];
        Backend be = x.backend();
        self[0] = Autograd.record("sigmoid", be, be.elementwise().sigmoid(x.value()),
                g -> new Tensor[] {be.elementwise().sigmoidBackward(g, self[0].value())}, new Var[] {x});
        return self[0];
    }

    /** Sum of all elements, a 0-dim Var. */
    public static Var sum(Var x) {
        return reduce("sum", x, 1.0);
    }

    /** Mean of all elements, a 0-dim Var (NaN for an empty input, as torch). */
    public static Var mean(Var x) {
        return reduce("mean", x, 1.0 / x.numel());
    }

    private static Var reduce(String name, Var x, double scale) {
        checkFloat(name, "input", x);
        Backend be = x.backend();
        int[] shape = x.shape();
        return Autograd.record(name, be, be.reduce().sum(x.value(), scale),
                g -> new Tensor[] {be.reduce().fill(g, scale, shape)}, new Var[] {x});
    }

    /** A view with another shape (one extent may be -1); shares storage with x. */
    public static Var reshape(Var x, int... shape) {
        int[] s = inferShape(x.numel(), shape);
        int[] inShape = x.shape();
        return Autograd.view("reshape", x, x.value().reshape(s),
                g -> new Tensor[] {Values.copy(x.backend(), g, inShape)});
    }

    /** torch.flatten(x, startDim): dimensions from startDim on merged into one. */
    public static Var flatten(Var x, int startDim) {
        int[] s = x.shape();
        if (startDim < 0 || startDim >= Math.max(1, s.length)) {
            throw new IllegalArgumentException("flatten: start_dim " + startDim + " out of range for shape "
                    + Arrays.toString(s));
        }
        int[] out = Arrays.copyOf(s, startDim + 1);
        out[startDim] = Shapes.numel(Arrays.copyOfRange(s, startDim, s.length));
        return reshape(x, out);
    }

    private static int[] inferShape(int numel, int[] shape) {
        int[] s = shape.clone();
        int free = -1;
        int known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (free >= 0) {
                    throw new IllegalArgumentException("reshape: only one extent may be -1: " + Arrays.toString(s));
                }
                free = i;
            } else {
                known *= s[i];
            }
        }
        if (free >= 0) {
            s[free] = known == 0 ? 0 : numel / known;
        }
        if (Shapes.numel(s) != numel) {
            throw new IllegalArgumentException("reshape: cannot view " + numel + " elements as " + Arrays.toString(
                    shape));
        }
        return s;
    }

    /** torch.cat(xs, dim=0): equal trailing shapes and dtypes. */
    public static Var concat(List<Var> xs) {
        if (xs.isEmpty()) {
            throw new IllegalArgumentException("concat: tensors must not be empty");
        }
        Var first = xs.get(0);
        int[] tail = Arrays.copyOfRange(first.shape(), 1, first.shape().length);
        int rows = 0;
        for (Var v : xs) {
            checkFloat("concat", "tensors", v);
            int[] s = v.shape();
            if (s.length == 0 || !Arrays.equals(tail, Arrays.copyOfRange(s, 1, s.length)) || v.dtype() != first
                    .dtype() || v.backend() != first.backend()) {
                throw new IllegalArgumentException("concat: tensors must share dtype, backend and trailing shape "
                        + Arrays.toString(tail) + ", got " + v.value());
            }
            rows += s[0];
        }
        int[] shape = first.shape();
        shape[0] = rows;
        Var[] ins = xs.toArray(new Var[0]);
        Backend be = first.backend();
        long[] offsets = new long[ins.length + 1];
        for (int i = 0; i < ins.length; i++) {
            offsets[i + 1] = offsets[i] + ins[i].numel();
        }
        // contiguous copies of the operands' storage
        Tensor[] parts = new Tensor[ins.length];
        for (int i = 0; i < ins.length; i++) {
            parts[i] = ins[i].value();
        }
        Tensor out = be.gather().concat(parts, shape);
        return Autograd.record("concat", be, out, g -> {
            Tensor[] grads = new Tensor[ins.length];
            try {
                for (int i = 0; i < ins.length; i++) {
                    if (ins[i].requiresGrad()) {
                        grads[i] = be.gather().slice(g, offsets[i], ins[i].shape());
                    }
                }
                return grads;
            } catch (RuntimeException e) {
                Functional.closeAll(grads);
                throw e;
            }
        }, ins);
    }

    /** torch.index_select(x, 0, index): rows of x picked by an I64/I32 index [K] (repeats allowed). */
    public static Var indexSelect(Var x, Var index) {
        checkFloat("index_select", "input", x);
        int[] s = x.shape();
        if (s.length == 0 || index.value().dim() != 1) {
            throw new IllegalArgumentException("index_select: input must have a dim 0 and index must be 1-D, got "
                    + x.value() + " and " + index.value());
        }
        Backend be = x.backend();
        // the backend checks the index values (a bad index fails naming itself)
        Tensor out = be.gather().indexSelect(x.value(), index.value());
        return Autograd.record("index_select", be, out,
                g -> new Tensor[] {be.gather().indexAdd(g, index.value(), s[0]), null}, new Var[] {x, index});
    }
}
