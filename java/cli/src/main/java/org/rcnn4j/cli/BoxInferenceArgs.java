package org.rcnn4j.cli;

import java.util.List;
import org.rcnn4j.detection.GeneralizedRcnn;
import org.rcnn4j.detection.ModelOptions;
import org.rcnn4j.detection.Models;
import org.rcnn4j.detection.RcnnConfig;

/**
 * The box head's inference settings as options of the commands that run a trained detector (detect, eval), with
 * torchvision's parameter names: --box-score-thresh, --box-nms-thresh, --box-detections-per-img; and rcnn4j's
 * --box-refinements (RcnnConfig.boxRefinements).
 */
final class BoxInferenceArgs {
    static final List<String> OPTIONS = List.of("--box-score-thresh", "--box-nms-thresh", "--box-detections-per-img",
            "--box-refinements");

    private BoxInferenceArgs() {
    }

    /** The options' help lines, with torchvision's defaults and where the small models differ. */
    static String help() {
        RcnnConfig d = RcnnConfig.torchvisionDefaults();
        RcnnConfig small = Models.maskrcnnSmall(ModelOptions.defaults()).config();
        return """
                  --box-score-thresh T        keep detections scoring at least T; default %s
                  --box-nms-thresh T          per-class NMS IoU threshold; default %s (the small models: %s)
                  --box-detections-per-img N  the best N per image; default %d
                  --box-refinements N         run the box head N more times on its own boxes and average the
                                              passes' class probabilities (0..%d); default %d (the small models: %d)
                """.formatted(d.boxScoreThresh(), d.boxNmsThresh(), small.boxNmsThresh(), d.boxDetectionsPerImg(),
                RcnnConfig.MAX_BOX_REFINEMENTS, d.boxRefinements(), small.boxRefinements());
    }

    /** The values given (null: not given, the model's setting stays), checked before anything runs. */
    record Values(Float scoreThresh, Float nmsThresh, Integer detectionsPerImg, Integer refinements) {
        /** Sets the given values on {@code model}. */
        void applyTo(GeneralizedRcnn model) {
            RcnnConfig c = model.config();
            model.setBoxInference(scoreThresh != null ? scoreThresh : c.boxScoreThresh(),
                    nmsThresh != null ? nmsThresh : c.boxNmsThresh(),
                    detectionsPerImg != null ? detectionsPerImg : c.boxDetectionsPerImg());
            if (refinements != null) {
                model.setBoxRefinements(refinements);
            }
        }
    }

    static Values parse(CommandArgs a) {
        return new Values(a.has("--box-score-thresh") ? (float) a.doubleIn("--box-score-thresh", 0, 0, 1) : null,
                a.has("--box-nms-thresh") ? (float) a.doubleIn("--box-nms-thresh", 0, 0, 1) : null,
                a.has("--box-detections-per-img") ? a.intIn("--box-detections-per-img", 1, 1, 100_000) : null,
                a.has("--box-refinements") ? a.intIn("--box-refinements", 0, 0, RcnnConfig.MAX_BOX_REFINEMENTS)
                        : null);
    }
}
