package org.rcnn4j.detection;

import java.util.ArrayList;
import java.util.List;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.Tensor;

/** roi_heads.maskrcnn_inference: sigmoid of each detection's mask logits for its predicted label. */
public final class MaskInference {
    private MaskInference() {
    }

    /**
     * @param maskLogits [D,C,M,M] F32 for all images' detections, image after image
     * @param labels     per image I64 [D_i] predicted labels
     * @return per image F32 [D_i,1,M,M] probabilities
     */
    public static List<Tensor> probabilities(Backend backend, Tensor maskLogits, List<Tensor> labels) {
        if (maskLogits.dim() != 4) {
            throw new IllegalArgumentException("x: expected mask logits [D,C,M,M], got " + maskLogits);
        }
        int d = maskLogits.size(0);
        int total = 0;
        for (Tensor t : labels) {
            if (t.dim() != 1) {
                throw new IllegalArgumentException("labels: expected I64 [D_i] per image, got " + t);
            }
            total += t.size(0);
        }
        if (total != d) {
            throw new IllegalArgumentException("labels: " + total + " labels for " + d + " mask logits");
        }
        List<Tensor> out = new ArrayList<>();
        int k = 0;
        for (Tensor t : labels) {
            try (Tensor mine = backend.select().rows(maskLogits, k, t.size(0))) {
                out.add(backend.select().labelSigmoid(mine, t));
            }
            k += t.size(0);
        }
        return out;
    }
}
