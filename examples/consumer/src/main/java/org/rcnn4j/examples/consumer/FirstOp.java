package org.rcnn4j.examples.consumer;

import java.util.Arrays;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Backends;
import org.rcnn4j.tensor.Tensor;

/**
 * The README's first op: NMS on three boxes, every tensor and the backend closed by try-with-resources. README.md
 * quotes the region between the readme markers; java/cli's ReadmeExamplesTest fails when the two differ.
 */
final class FirstOp {
    private FirstOp() {
    }

    static void run() {
        // readme:begin nms
        float[] xyxy = {0, 0, 10, 10, 1, 1, 11, 11, 20, 20, 30, 30};   // 3 boxes (x1, y1, x2, y2)
        float[] s = {0.9f, 0.8f, 0.7f};
        try (Backend backend = Backends.create("cpu");                   // or "cuda", "cuda-emu"
             Tensor boxes = backend.toDevice(Tensor.ofFloats(xyxy, 3, 4));
             Tensor scores = backend.toDevice(Tensor.ofFloats(s, 3));
             Tensor kept = backend.boxes().nms(boxes, scores, 0.5f);      // I64 indices, by decreasing score
             Tensor keep = backend.toHost(kept)) {
            long[] indices = keep.longs();
            System.out.println("README's nms keeps " + Arrays.toString(indices));   // [0, 2]
        }
        // readme:end nms
    }
}
