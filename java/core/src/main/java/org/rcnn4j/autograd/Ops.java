package org.rcnn4j.autograd;

import java.util.Arrays;
import java.util.List;
import org.rcnn4j.autograd.cpu.Elementwise;
import org.rcnn4j.autograd.cpu.Gather;
import org.rcnn4j.autograd.cuda.GatherCuda;
import org.rcnn4j.autograd.cuda.ReduceCuda;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/**
 * Differentiable elementwise, reduction and shape ops (torch names). Operands are F32 or F64 Vars on one backend;
 * elementwise ops take equal shapes (no broadcasting). On the CUDA backend F32 device tensors run on the device
 * (elementwise ops, sum and mean, concat and index_select); other dtypes run on host copies (see {@link Tensors}).
 */
public final class Ops {
    private Ops() {
    }

    static double[] read(Var v) {
        return Tensors.read(v.backend(), v.value());
    }

    static double[] read(Backend b, Tensor t) {
        return Tensors.read(b, t);
    }

    static Tensor make(Var like, double[] d, int... shape) {
        return Tensors.make(like.backend(), d, like.dtype(), shape);
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
        Tensors.checkSame(op, a.value(), b.value());
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
        int[] shape = a.shape();
        if (F32.supports(be, a.value())) {
            Tensor out = F32.axpby(be, a.value(), b.value(), 1f, (float) alpha);
            return Autograd.record(name, be, out, g -> new Tensor[] {
                a.requiresGrad() ? F32.scale(be, g, 1f) : null,
                b.requiresGrad() ? F32.scale(be, g, (float) alpha) : null}, new Var[] {a, b});
        }
        Tensor out = make(a, Elementwise.add(read(a), read(b), alpha), shape);
        return Autograd.record(name, be, out, g -> {
            double[] gd = read(be, g);
            return new Tensor[] {a.requiresGrad() ? Tensors.make(be, gd.clone(), a.dtype(), shape) : null,
                    b.requiresGrad() ? Tensors.make(be, Elementwise.scale(gd, alpha), a.dtype(), shape) : null};
        }, new Var[] {a, b});
    }

    public static Var mul(Var a, Var b) {
        checkPair("mul", a, b);
        Backend be = a.backend();
        if (F32.supports(be, a.value())) {
            Tensor out = F32.mul(be, a.value(), b.value());
            return Autograd.record("mul", be, out, g -> new Tensor[] {
                a.requiresGrad() ? F32.mul(be, g, b.value()) : null,
                b.requiresGrad() ? F32.mul(be, g, a.value()) : null}, new Var[] {a, b});
        }
        Tensor out = make(a, Elementwise.mul(read(a), read(b)), a.shape());
        return Autograd.record("mul", be, out, g -> {
            double[] gd = read(be, g);
            return new Tensor[] {a.requiresGrad() ? make(a, Elementwise.mul(gd, read(b)), a.shape()) : null,
                    b.requiresGrad() ? make(a, Elementwise.mul(gd, read(a)), a.shape()) : null};
        }, new Var[] {a, b});
    }

    public static Var mul(Var a, double s) {
        checkFloat("mul", "input", a);
        if (F32.supports(a.backend(), a.value())) {
            Backend be = a.backend();
            return Autograd.record("mul", be, F32.scale(be, a.value(), (float) s),
                    g -> new Tensor[] {F32.scale(be, g, (float) s)}, new Var[] {a});
        }
        Tensor out = make(a, Elementwise.scale(read(a), s), a.shape());
        return Autograd.record("mul", a.backend(), out,
                g -> new Tensor[] {make(a, Elementwise.scale(read(a.backend(), g), s), a.shape())}, new Var[] {a});
    }

    public static Var relu(Var x) {
        checkFloat("relu", "input", x);
        if (F32.supports(x.backend(), x.value())) {
            // backward reads the output: it must stay open until then (as torch's saved tensors)
            Var[] self = new Var[1];
            Backend be = x.backend();
            self[0] = Autograd.record("relu", be, F32.relu(be, x.value()),
                    g -> new Tensor[] {F32.reluBackward(be, g, self[0].value())}, new Var[] {x});
            return self[0];
        }
        double[] y = Elementwise.relu(read(x));
        Tensor out = make(x, y, x.shape());
        return Autograd.record("relu", x.backend(), out,
                g -> new Tensor[] {make(x, Elementwise.reluBackward(read(x.backend(), g), y), x.shape())},
                new Var[] {x});
    }

    public static Var sigmoid(Var x) {
        checkFloat("sigmoid", "input", x);
        if (F32.supports(x.backend(), x.value())) {
            Var[] self = new Var[1];
            Backend be = x.backend();
            self[0] = Autograd.record("sigmoid", be, F32.sigmoid(be, x.value()),
                    g -> new Tensor[] {F32.sigmoidBackward(be, g, self[0].value())}, new Var[] {x});
            return self[0];
        }
        double[] y = Elementwise.sigmoid(read(x));
        Tensor out = make(x, y, x.shape());
        return Autograd.record("sigmoid", x.backend(), out,
                g -> new Tensor[] {make(x, Elementwise.sigmoidBackward(read(x.backend(), g), y), x.shape())},
                new Var[] {x});
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
        if (ReduceCuda.supports(x.backend(), x.value())) {
            Backend be = x.backend();
            int[] shape = x.shape();
            return Autograd.record(name, be, ReduceCuda.sum(be, x.value(), scale),
                    g -> new Tensor[] {ReduceCuda.fill(be, g, scale, shape)}, new Var[] {x});
        }
        Tensor out = make(x, new double[] {Elementwise.sum(read(x)) * scale});
        return Autograd.record(name, x.backend(), out, g -> {
            double[] d = new double[x.numel()];
            Arrays.fill(d, read(x.backend(), g)[0] * scale);
            return new Tensor[] {make(x, d, x.shape())};
        }, new Var[] {x});
    }

    /** A view with another shape (one extent may be -1); shares storage with x. */
    public static Var reshape(Var x, int... shape) {
        int[] s = inferShape(x.numel(), shape);
        int[] inShape = x.shape();
        return Autograd.view("reshape", x, x.value().reshape(s),
                g -> new Tensor[] {Tensors.copy(x.backend(), g, inShape)});
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
        boolean copies = true;
        for (Var v : ins) {
            copies &= Tensors.isCpu(be) || GatherCuda.supports(be, v.value());
        }
        if (copies) {
            // contiguous copies of the operands' storage: device-to-device on CUDA, System.arraycopy on the host
            Tensor[] parts = new Tensor[ins.length];
            for (int i = 0; i < ins.length; i++) {
                parts[i] = ins[i].value();
            }
            Tensor out = Tensors.isCpu(be) ? hostConcat(parts, shape) : GatherCuda.concat(be, parts, shape);
            return Autograd.record("concat", be, out, g -> {
                Tensor[] grads = new Tensor[ins.length];
                try {
                    for (int i = 0; i < ins.length; i++) {
                        if (ins[i].requiresGrad()) {
                            grads[i] = Tensors.isCpu(be) ? hostSlice(g, offsets[i], ins[i].shape())
                                    : GatherCuda.slice(be, g, offsets[i], ins[i].shape());
                        }
                    }
                    return grads;
                } catch (RuntimeException e) {
                    Nn.closeAll(grads);
                    throw e;
                }
            }, ins);
        }
        double[] out = new double[rows * Shapes.numel(tail)];
        for (int i = 0; i < ins.length; i++) {
            double[] d = read(ins[i]);
            System.arraycopy(d, 0, out, (int) offsets[i], d.length);
        }
        return Autograd.record("concat", be, make(first, out, shape), g -> {
            double[] gd = read(be, g);
            Tensor[] grads = new Tensor[ins.length];
            for (int i = 0; i < ins.length; i++) {
                if (ins[i].requiresGrad()) {
                    grads[i] = make(first, Arrays.copyOfRange(gd, (int) offsets[i], (int) offsets[i + 1]),
                            ins[i].shape());
                }
            }
            return grads;
        }, ins);
    }

    private static Tensor hostConcat(Tensor[] parts, int[] shape) {
        Tensor out = Tensor.zeros(parts[0].dtype(), shape);
        Object dst = out.hostData();
        int at = 0;
        for (Tensor p : parts) {
            System.arraycopy(p.hostData(), 0, dst, at, p.numel());
            at += p.numel();
        }
        return out;
    }

    private static Tensor hostSlice(Tensor t, long offset, int[] shape) {
        Tensor out = Tensor.zeros(t.dtype(), shape);
        System.arraycopy(t.hostData(), (int) offset, out.hostData(), 0, out.numel());
        return out;
    }

    /** torch.index_select(x, 0, index): rows of x picked by an I64/I32 index [K] (repeats allowed). */
    public static Var indexSelect(Var x, Var index) {
        checkFloat("index_select", "input", x);
        int[] s = x.shape();
        if (s.length == 0 || index.value().dim() != 1) {
            throw new IllegalArgumentException("index_select: input must have a dim 0 and index must be 1-D, got "
                    + x.value() + " and " + index.value());
        }
        long[] idx = Tensors.readLongs(index.backend(), index.value());
        int row = x.numel() / Math.max(1, s[0]);
        for (long i : idx) {
            if (i < 0 || i >= s[0]) {
                throw new IllegalArgumentException("index_select: index " + i + " out of range for " + s[0]
                        + " rows");
            }
        }
        int[] outShape = s.clone();
        outShape[0] = idx.length;
        Backend be = x.backend();
        if (x.dtype() == DType.F32 && GatherCuda.supports(be, x.value())) {
            Tensor dIdx = GatherCuda.deviceIndex(be, index.value(), idx);
            // an uploaded index is owned here: kept (as a saved Var) until backward has run
            Var[] saved = dIdx == index.value() ? new Var[0] : new Var[] {Var.of(be, dIdx)};
            Tensor out = GatherCuda.rows(be, x.value(), dIdx, row, outShape);
            return Autograd.record("index_select", be, out,
                    g -> new Tensor[] {GatherCuda.scatterAddRows(be, g, dIdx, row, s), null}, new Var[] {x, index},
                    saved);
        }
        if (x.dtype() == DType.F32 && Tensors.isCpu(be)) {
            Tensor out = Tensor.ofFloats(Gather.rows(x.value().floats(), row, idx), outShape);
            return Autograd.record("index_select", be, out,
                    g -> new Tensor[] {Tensor.ofFloats(Gather.scatterAddRows(g.floats(), row, idx, s[0]), s), null},
                    new Var[] {x, index});
        }
        Tensor out = make(x, Gather.rows(read(x), row, idx), outShape);
        return Autograd.record("index_select", be, out,
                g -> new Tensor[] {make(x, Gather.scatterAddRows(read(be, g), row, idx, s[0]), s), null},
                new Var[] {x, index});
    }
}
