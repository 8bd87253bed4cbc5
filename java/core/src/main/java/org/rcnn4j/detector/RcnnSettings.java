package org.rcnn4j.detector;

import org.rcnn4j.detection.GeneralizedRcnn;
import org.rcnn4j.detection.RcnnConfig;

/** Puts the options' inference thresholds and transform sizes on a detector; unset ones keep the model's. */
final class RcnnSettings {
    private RcnnSettings() {
    }

    static void apply(GeneralizedRcnn model, DetectorOptions o) {
        RcnnConfig c = model.config();
        model.setBoxInference(o.boxScoreThresh() != null ? o.boxScoreThresh() : c.boxScoreThresh(),
                o.boxNmsThresh() != null ? o.boxNmsThresh() : c.boxNmsThresh(),
                o.boxDetectionsPerImg() != null ? o.boxDetectionsPerImg() : c.boxDetectionsPerImg());
        if (o.minSize() != null || o.maxSize() != null) {
            model.setTransformSizes(o.minSize() != null ? o.minSize() : c.minSize(),
                    o.maxSize() != null ? o.maxSize() : c.maxSize());
        }
    }
}
