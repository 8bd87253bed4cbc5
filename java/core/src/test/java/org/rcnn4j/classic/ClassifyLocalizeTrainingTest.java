package org.rcnn4j.classic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Backends;
import org.rcnn4j.data.FashionMnist;

class ClassifyLocalizeTrainingTest {
    static final int SIZE = 32;
    static final long SEED = 3;

    private static ClassLocTrainer.Options options(int epochs) {
        return ClassLocTrainer.Options.defaults(0.3, epochs, SEED);
    }

    /**
     * Many scenes for few epochs: with fewer scenes and more epochs the box head overfits (IoU below the mean box).
     * 4 epochs, not 3: at 3 the mean IoU (0.54..0.55) sat within rounding's reach of the bar (0.542).
     */
    @Test
    void shortTrainingBeatsChanceAndTheFixedBox() {
        Backend cpu = Backends.create("cpu");
        SingleObjectScenes train = SingleObjectScenes.generate(FashionMnist.Split.TRAIN, 3000, SIZE, SEED);
        SingleObjectScenes test = SingleObjectScenes.generate(FashionMnist.Split.TEST, 200, SIZE, SEED + 1);
        try (ClassifyLocalize model = new ClassifyLocalize(cpu, SIZE, 10, SEED)) {
            ClassLocTrainer.train(model, train, options(4), System.out);
            ClassLocEval.Result r = ClassLocEval.evaluate(model, test);
            double baseline = ClassLocEval.fixedBoxIou(train.meanBox(), test);
            System.out.printf("accuracy=%.3f mean_iou=%.3f fixed-box iou=%.3f%n", r.accuracy(), r.meanIou(), baseline);
            assertTrue(r.accuracy() >= 0.3, "held-out accuracy " + r.accuracy() + " (chance 0.1), seed " + SEED);
            assertTrue(r.meanIou() > baseline + 0.03, "mean IoU " + r.meanIou() + " vs the mean training box's "
                    + baseline + ", seed " + SEED);
        }
    }

    @Test
    void trainingIsDeterministicFromTheSeed() {
        Backend cpu = Backends.create("cpu");
        SingleObjectScenes train = SingleObjectScenes.generate(FashionMnist.Split.TRAIN, 48, SIZE, SEED);
        double[][] runs = new double[2][];
        float[][] boxes = new float[2][];
        for (int k = 0; k < 2; k++) {
            try (ClassifyLocalize model = new ClassifyLocalize(cpu, SIZE, 10, SEED)) {
                runs[k] = ClassLocTrainer.train(model, train, options(1), null).total();
                boxes[k] = ClassLocEval.evaluate(model, train).boxes();
            }
        }
        // same scenes, init and order; the CPU backend's SGEMM moves from its scalar to its vector kernel once the
        // JIT has compiled the latter (SgemmWarmUp), at a moment that varies, and the two round differently
        // (seen: 1e-7 relative), so equal up to float rounding, not bit for bit
        assertArrayEquals(runs[0], runs[1], 1e-5, "losses per step");
        assertArrayEquals(boxes[0], boxes[1], 1e-4f, "predicted boxes");
        SingleObjectScenes again = SingleObjectScenes.generate(FashionMnist.Split.TRAIN, 48, SIZE, SEED);
        for (int i = 0; i < train.count(); i++) {
            assertArrayEquals(train.box(i), again.box(i), 0f, "scene " + i);
            assertArrayEquals(train.image(i).floats(), again.image(i).floats(), 0f, "scene " + i);
        }
    }
}
