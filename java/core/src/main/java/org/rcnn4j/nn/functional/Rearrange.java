package org.rcnn4j.nn.functional;

import java.util.ArrayList;
import java.util.List;
import org.rcnn4j.autograd.Autograd;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/**
 * Any permute / flatten / concat of several tensors as one differentiable gather: output element i is element
 * {@code source[i]} of the inputs' flat concatenation. torchvision's concat_box_prediction_layers (per-level
 * permute to [N, H, W, A, C], concatenated over levels per image) is one such map; building it as an index keeps
 * autograd free of a general strided-view machinery. Each source index may appear at most once (a permutation
 * of a subset), so backward is a plain scatter. Runs on the backend: a concat, a take and, backward, an index_add
 * ({@link Backend#gather()}); the only host work is building the index, uploaded once per call.
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
            TensorMath.checkFloat("gather", "inputs", v);
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
        Var[] ins = inputs.toArray(new Var[0]);
        Tensor[] parts = new Tensor[ins.length];
        for (int i = 0; i < ins.length; i++) {
            parts[i] = ins[i].value();
        }
        long[] idx = new long[source.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = source[i];
        }
        // the index lives on the backend (uploaded once) until backward has run
        Var index = Var.of(b, b.toDevice(Tensor.ofLongs(idx, idx.length)));
        Tensor out;
        try (Tensor flat = b.gather().concat(parts, new int[] {total})) {
            out = Values.reshapeOwned(b.gather().take(flat, index.value()), outShape);
        }
        int all = total;
        return Autograd.record("gather", b, out, g -> {
            Tensor[] grads = new Tensor[ins.length];
            // each source index appears once: the scatter is a plain copy back to where each element came from
            try (Tensor scattered = b.gather().indexAdd(g.reshape(source.length), index.value(), all)) {
                for (int i = 0; i < ins.length; i++) {
                    if (ins[i].requiresGrad()) {
                        grads[i] = b.gather().slice(scattered, offsets[i], ins[i].shape());
                    }
                }
                return grads;
            } catch (RuntimeException e) {
                Functional.closeAll(grads);
                throw e;
            }
        }, ins, index);
    }
}
