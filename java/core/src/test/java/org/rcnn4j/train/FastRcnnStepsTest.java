package org.rcnn4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.data.FashionMnist;
import org.rcnn4j.data.FashionMnistScenes;
import org.rcnn4j.data.SceneConfig;
import org.rcnn4j.detection.FastRcnn;
import org.rcnn4j.detection.ImageDetections;
import org.rcnn4j.proposals.DatasetProposals;
import org.rcnn4j.proposals.SelectiveSearch;
import org.rcnn4j.tensor.Tensor;

class FastRcnnStepsTest {
    static final FashionMnistScenes SCENES = new FashionMnistScenes(FashionMnist.bundled(FashionMnist.Split.TRAIN),
            SceneConfig.defaults(), 11, 4);

    @Test
    void aFewStepsDriveTheLossDownOnAHandfulOfScenes() throws Exception {
        DatasetProposals proposals = DatasetProposals.compute(SCENES, SelectiveSearch.Mode.SINGLE, 2000);
        FastRcnn model = FastRcnn.small(FashionMnist.CLASS_NAMES.size() + 1, 16);
        model.initialize(5).to(new CpuBackend());
        int steps = 16;
        try (DetectorStep step = FastRcnnSteps.step(model, SCENES, proposals, 2, 3, 0.5)) {
            Trainer.History h = new Trainer(model.trainableVars(), Trainer.Options.of("fastrcnn_small", steps,
                    LrSchedule.torchvision(0.02, 3))).train(step);
            assertEquals(List.of("loss_classifier", "loss_box_reg"), List.copyOf(h.losses().get(0).keySet()));
            double first = total(h.losses().get(0)) + total(h.losses().get(1));
            double last = total(h.losses().get(steps - 1)) + total(h.losses().get(steps - 2));
            assertTrue(last < 0.7 * first, "loss should fall: first two steps " + first + ", last two " + last);
        }
        model.eval();
        List<Tensor> images = List.of(SCENES.get(0).image());
        List<ImageDetections> d = model.detect(images, proposals.range(0, 1));
        assertEquals(1, d.size());
        float[] b = d.get(0).boxes().floats();
        for (float v : b) {
            assertTrue(v >= 0 && v <= 128, "boxes clipped to the image: " + v);
        }
        model.release();
    }

    private static double total(Map<String, Double> losses) {
        return losses.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    @Test
    void batchesCarryTheirIndicesAndFlippedImagesGetMirroredProposals() {
        float[] box = {2, 4, 30, 40};
        FashionMnistScenes data = SCENES;
        try (DetectorStep always = new DetectorStep((b, s) -> Map.of(), data, 3, 9, 1.0);
                DetectorStep never = new DetectorStep((b, s) -> Map.of(), data, 3, 9, 0.0)) {
            DetectorStep.Batch flipped = always.batchOf(1);
            DetectorStep.Batch plain = never.batchOf(1);
            assertArrayEquals(plain.indices(), flipped.indices(), "flips do not change which scenes a step takes");
            for (int i = 0; i < 3; i++) {
                assertTrue(flipped.flipped()[i]);
                assertTrue(!plain.flipped()[i]);
                assertArrayEquals(data.get(plain.indices()[i]).boxes().floats(),
                        plain.samples().get(i).boxes().floats());
            }
            List<Tensor> props = List.of(Tensor.ofFloats(box, 1, 4), Tensor.ofFloats(box, 1, 4),
                    Tensor.ofFloats(box, 1, 4), Tensor.ofFloats(box, 1, 4));
            List<Tensor> mirrored = FastRcnnSteps.proposalsOf(flipped, indexed(props));
            List<Tensor> same = FastRcnnSteps.proposalsOf(plain, indexed(props));
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(new float[] {98, 4, 126, 40}, mirrored.get(i).floats());
                assertArrayEquals(box, same.get(i).floats());
            }
        }
    }

    private static DatasetProposals indexed(List<Tensor> props) {
        return DatasetProposals.of(props);
    }
}
