package org.rcnn4j.autograd;

import java.util.List;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/**
 * Any permute / flatten / concat of several tensors as one differentiable gather: output element i is element
 * {@code source[i]} of the inputs' flat concatenation. torchvision's concat_box_prediction_layers (per-level
 * permute to [N, H, W, A, C], concatenated over levels per image) is one such map; building it as an index keeps
 * autograd free of a general strided-view machinery. Each source index may appear at most once (a permutation
 * of a subset), so backward is a plain scatter. GAP: runs on the host (device tensors are copied).
 */
public final class Rearrange {
    private Rearrange() {
    }

    public static Var gather(List<Var> inputs, int[] source, int... outShape) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("gather: inputs must not be empty");
        }
        Var first = inputs.get(0);
        Backend b = first.backend();
        int total = 0;
        int[] offsets = new int[inputs.size() + 1];
        for (int i = 0; i < inputs.size(); i++) {
            Var v = inputs.get(i);
            Ops.checkFloat("gather", "inputs", v);
            if (v.dtype() != first.dtype() || v.backend() != b) {
                throw new IllegalArgumentException("gather: inputs must share dtype and backend, got " + v.value());
            }
            total += v.numel();
            offsets[i + 1] = total;
        }
        if (Shapes.numel(outShape) != source.length) {
            throw new IllegalArgumentException("gather: " + source.length + " source indices for output shape "
                    + Shapes.format(outShape));
        }
        for (int s : source) {
            if (s < 0 || s >= total) {
                throw new IllegalArgumentException("gather: source index " + s + " outside the inputs' " + total
                        + " elements");
            }
        }
        Tensor out;
        if (first.dtype() == DType.F32) {
            float[] all = new float[total];
            for (int i = 0; i < inputs.size(); i++) {
                System.arraycopy(b.toHost(inputs.get(i).value()).floats(), 0, all, offsets[i], offsets[i + 1]
                        - offsets[i]);
            }
            float[] o = new float[source.length];
            for (int i = 0; i < o.length; i++) {
                o[i] = all[source[i]];
            }
            out = upload(b, Tensor.ofFloats(o, outShape));
        } else {
            double[] all = new double[total];
            for (int i = 0; i < inputs.size(); i++) {
                System.arraycopy(Tensors.read(b, inputs.get(i).value()), 0, all, offsets[i], offsets[i + 1]
                        - offsets[i]);
            }
            double[] o = new double[source.length];
            for (int i = 0; i < o.length; i++) {
                o[i] = all[source[i]];
            }
            out = Tensors.make(b, o, first.dtype(), outShape);
        }
        Var[] ins = inputs.toArray(new Var[0]);
        int all = total;
        return Autograd.record("gather", b, out, g -> {
            double[] gd = Tensors.read(b, g);
            double[] scattered = new double[all];
            for (int i = 0; i < source.length; i++) {
                scattered[source[i]] += gd[i];
            }
            Tensor[] grads = new Tensor[ins.length];
            for (int i = 0; i < ins.length; i++) {
                if (ins[i].requiresGrad()) {
                    grads[i] = Tensors.make(b, java.util.Arrays.copyOfRange(scattered, offsets[i], offsets[i + 1]),
                            ins[i].dtype(), ins[i].shape());
                }
            }
            return grads;
        }, ins);
    }

    private static Tensor upload(Backend b, Tensor host) {
        return Tensors.isCpu(b) ? host : b.toDevice(host);
    }
}
