package org.rcnn4j.classic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Backends;
import org.rcnn4j.data.FashionMnist;
import org.rcnn4j.data.Sample;

/** A small R-CNN run, trained and evaluated end to end: it must beat random boxes on held-out scenes. */
class RcnnPipelineTest {
    private static final long SEED = 1;

    @Test
    void smallRunBeatsRandomBoxesOnHeldOutScenes() {
        Backend cpu = Backends.create("cpu");
        List<Sample> train = RcnnScenes.generate(FashionMnist.Split.TRAIN, 120, SEED);
        List<Sample> test = RcnnScenes.generate(FashionMnist.Split.TEST, 40, SEED + 7919);
        RcnnTrainer.Options d = RcnnTrainer.Options.defaults(SEED);
        RcnnTrainer.Options o = new RcnnTrainer.Options(new FeatureExtractor.Options(32, d.extractor().features(), 800, 3, d.extractor().lr(), SEED), d.mining(),
                d.lambda(), d.test());
        try (Rcnn model = RcnnTrainer.train(cpu, train, o, System.out)) {
            RcnnEval.Report r = RcnnEval.evaluate(model, test);
            double[] chance = RcnnEval.ap(r.groundTruth(),
                    RcnnEval.annotations(RcnnEval.randomDetections(test, 100, SEED)));
            System.out.printf("AP=%.3f AP50=%.3f (no regression AP50=%.3f), random boxes AP50=%.3f%n", r.stats()[0],
                    r.stats()[1], r.statsNoRegression()[1], chance[1]);
            // seen: AP50 0.41 against 0.008 for random boxes
            assertTrue(r.stats()[1] >= 0.15 && r.stats()[1] > 5 * chance[1] + 0.1,
                    "AP50 " + r.stats()[1] + " vs random boxes " + chance[1] + ", seed " + SEED);
            for (Rcnn.Detections det : r.perImage()) {
                assertTrue(det.count() <= 100, "at most 100 detections per image");
                for (int i = 1; i < det.count(); i++) {
                    assertTrue(det.scores()[i] <= det.scores()[i - 1], "detections by decreasing score");
                }
                // per-class NMS at 0.3: no two kept boxes of one class overlap more
                for (int i = 0; i < det.count(); i++) {
                    for (int j = i + 1; j < det.count(); j++) {
                        if (det.labels()[i] == det.labels()[j]) {
                            float[] a = java.util.Arrays.copyOfRange(det.boxes(), 4 * i, 4 * i + 4);
                            float[] b = java.util.Arrays.copyOfRange(det.boxes(), 4 * j, 4 * j + 4);
                            assertTrue(RcnnScenes.iou(a, b) <= 0.3 + 1e-6, "NMS left IoU " + RcnnScenes.iou(a, b));
                        }
                    }
                }
            }
            assertEquals(test.size(), r.groundTruth().images().size());
        }
    }
}
