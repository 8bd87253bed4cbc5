package org.rcnn4j.autograd;

import java.util.ArrayList;
import java.util.List;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/**
 * Any permute / flatten / concat of several tensors as one differentiable gather: output element i is element
 * {@code source[i]} of the inputs' flat concatenation. torchvision's concat_box_prediction_layers (per-level
 * permute to [N, H, W, A, C], concatenated over levels per image) is one such map; building it as an index keeps
 * autograd free of a general strided-view machinery. Each source index may appear at most once (a permutation
 * of a subset), so backward is a plain scatter. The forward runs on the backend; the backward scatters on the host.
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
        // on the backend: the inputs laid end to end, then one gather by the (uploaded) source index
        List<Tensor> flat = new ArrayList<>(inputs.size());
        for (Var v : inputs) {
            flat.add(v.value().reshape(v.numel()));
        }
        Tensor out;
        try (Tensor all = b.select().catRows(flat); Tensor index = b.toDevice(Tensor.ofInts(source, source.length));
                Tensor gathered = b.select().gatherRows(all, index)) {
            out = Tensors.copy(b, gathered, outShape);
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
}
