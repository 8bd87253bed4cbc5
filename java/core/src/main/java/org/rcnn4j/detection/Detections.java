package org.rcnn4j.detection;

import org.rcnn4j.tensor.Tensor;

/** One image's detections: boxes F32 [D,4], scores F32 [D] (descending), labels I64 [D]; on the backend. */
public record Detections(Tensor boxes, Tensor scores, Tensor labels) implements AutoCloseable {
    @Override
    public void close() {
        boxes.close();
        scores.close();
        labels.close();
    }
}
