package org.rcnn4j.detection;

import java.util.ArrayList;
import java.util.List;
import org.rcnn4j.tensor.Tensor;

/**
 * The tensors one forward pass makes outside autograd (targets, indices, proposals): on a device each holds memory
 * until closed, so the pass collects them here and closes them all at its end. Host tensors close as a no-op.
 */
final class TensorBin implements AutoCloseable {
    private final List<Tensor> tensors = new ArrayList<>();

    <T extends Tensor> T add(T t) {
        if (t != null) {
            tensors.add(t);
        }
        return t;
    }

    List<Tensor> addAll(List<Tensor> ts) {
        ts.forEach(this::add);
        return ts;
    }

    @Override
    public void close() {
        for (int i = tensors.size() - 1; i >= 0; i--) {
            tensors.get(i).close();
        }
        tensors.clear();
    }
}
