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
        int c = maskLogits.size(1);
        int hw = maskLogits.size(2) * maskLogits.size(3);
        float[] x = Host.floats(backend, maskLogits);
        List<Tensor> out = new ArrayList<>();
        int k = 0;
        for (Tensor t : labels) {
            long[] l = Host.longs(backend, t);
            if (k + l.length > d) {
                throw new IllegalArgumentException("labels: more labels than mask logits (" + d + ")");
            }
            float[] p = new float[l.length * hw];
            for (int i = 0; i < l.length; i++, k++) {
                if (l[i] < 0 || l[i] >= c) {
                    throw new IllegalArgumentException("labels: label " + l[i] + " outside [0," + c + ")");
                }
                int src = (int) ((k * (long) c + l[i]) * hw);
                for (int j = 0; j < hw; j++) {
                    p[i * hw + j] = (float) (1.0 / (1.0 + Math.exp(-(double) x[src + j])));
                }
            }
            out.add(Host.floatsOn(backend, p, l.length, 1, maskLogits.size(2), maskLogits.size(3)));
        }
        if (k != d) {
            throw new IllegalArgumentException("labels: " + k + " labels for " + d + " mask logits");
        }
        return out;
    }
}
