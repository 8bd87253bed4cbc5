package org.rcnn4j.detector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.data.FashionMnist;
import org.rcnn4j.data.FashionMnistScenes;
import org.rcnn4j.data.SceneConfig;
import org.rcnn4j.detection.GeneralizedRcnn;
import org.rcnn4j.detection.ImageDetections;
import org.rcnn4j.detection.MaskCrop;
import org.rcnn4j.detection.MaskOutput;
import org.rcnn4j.detection.ModelFile;
import org.rcnn4j.detection.ModelOptions;
import org.rcnn4j.detection.Models;
import org.rcnn4j.detection.TestTimeAugmentation;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * The one-call detector on an rcnn4j model file (maskrcnn_small, random weights from a seed, a score threshold of
 * 0 so that it keeps detections): the same detections as the network it wraps, typed; a shared instance gives
 * each thread what it gives alone; bad input names the argument.
 */
class DetectorTest {
    static final long SEED = 11;
    static final DetectorOptions OPTIONS = DetectorOptions.defaults().withBoxInference(0f, null, 20);
    @TempDir
    static Path dir;
    static Path modelFile;
    static List<Tensor> images = new ArrayList<>();

    @BeforeAll
    static void writeModel() throws Exception {
        GeneralizedRcnn m = Models.maskrcnnSmall(ModelOptions.defaults());
        m.initialize(SEED);
        modelFile = dir.resolve("model.safetensors");
        ModelFile.write(modelFile, Models.MASKRCNN_SMALL, m, FashionMnist.CLASS_NAMES);
        FashionMnistScenes scenes = new FashionMnistScenes(FashionMnist.bundled(FashionMnist.Split.TEST),
                SceneConfig.defaults(), 3, 3);
        for (int i = 0; i < 3; i++) {
            images.add(scenes.get(i).image());
        }
    }

    /**
     * The wrapped network's own detections on the CPU, the reference: one image at a time, as the detector takes
     * them (on oneDNN a matmul's last bits may depend on how many rows it has, hence on the batch).
     */
    static List<ImageDetections> reference() throws Exception {
        GeneralizedRcnn m = ModelFile.read(modelFile).build();
        m.setBoxInference(0f, m.config().boxNmsThresh(), 20);
        m.eval();
        try (CpuBackend cpu = new CpuBackend()) {
            m.to(cpu);
            try {
                List<ImageDetections> out = new ArrayList<>();
                for (Tensor image : images) {
                    out.addAll(m.detect(List.of(image)));
                }
                return out;
            } finally {
                m.release();
            }
        }
    }

    @Test
    void typedDetectionsAreTheNetworksDetections() throws Exception {
        List<ImageDetections> expected = reference();
        try (Detector detector = Detector.load(modelFile, OPTIONS)) {
            assertEquals(Models.MASKRCNN_SMALL, detector.modelName());
            assertEquals(FashionMnist.CLASS_NAMES, detector.classNames());
            assertTrue(detector.hasMasks());
            for (int i = 0; i < images.size(); i++) {
                List<Detection> got = detector.detect(images.get(i));
                ImageDetections e = expected.get(i);
                assertTrue(e.count() > 0, "the reference keeps detections at threshold 0");
                assertEquals(e.count(), got.size());
                int h = images.get(i).size(1);
                int w = images.get(i).size(2);
                for (int k = 0; k < got.size(); k++) {
                    Detection d = got.get(k);
                    assertEquals(e.labels().getLong(k), d.classId());
                    assertEquals(FashionMnist.CLASS_NAMES.get(d.classId() - 1), d.label());
                    assertEquals(e.scores().floats()[k], d.score());
                    assertArrayEquals(java.util.Arrays.copyOfRange(e.boxes().floats(), 4 * k, 4 * k + 4),
                            new float[] {d.x1(), d.y1(), d.x2(), d.y2()});
                    assertNotNull(d.mask());
                    float[] probs = e.masks().floats();
                    long area = 0;
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            boolean in = probs[k * h * w + y * w + x] >= 0.5f;
                            assertEquals(in, d.mask().get(x, y), "mask " + k + " at (" + x + ", " + y + ")");
                            area += in ? 1 : 0;
                        }
                    }
                    assertEquals(area, d.mask().area());
                    assertEquals(area, d.mask().toRle().area());
                    assertEquals(null, d.maskProbabilities());
                }
            }
        }
    }

    /** With test-time augmentation the detector returns the augmentation's fused detections, typed. */
    @Test
    void testTimeAugmentationWhenAsked() throws Exception {
        TestTimeAugmentation tta = TestTimeAugmentation.of(true, 1.0, 1.25);
        GeneralizedRcnn m = ModelFile.read(modelFile).build();
        m.setBoxInference(0f, m.config().boxNmsThresh(), 20);
        m.eval();
        List<ImageDetections> expected = new ArrayList<>();
        try (CpuBackend cpu = new CpuBackend()) {
            m.to(cpu);
            try {
                for (Tensor image : images) {
                    expected.addAll(tta.detect(m, List.of(image), MaskOutput.atLeast(0.5f).asCrops()));
                }
            } finally {
                m.release();
            }
        }
        try (Detector detector = Detector.load(modelFile, OPTIONS.withTestTimeAugmentation(tta))) {
            for (int i = 0; i < images.size(); i++) {
                List<Detection> got = detector.detect(images.get(i));
                ImageDetections e = expected.get(i);
                assertEquals(e.count(), got.size());
                for (int k = 0; k < got.size(); k++) {
                    assertEquals(e.scores().floats()[k], got.get(k).score());
                    assertEquals(e.labels().getLong(k), got.get(k).classId());
                    assertEquals(countOnes(e.crops().get(k)), got.get(k).mask().area());
                }
            }
        }
    }

    private static long countOnes(MaskCrop c) {
        long n = 0;
        for (byte b : c.values().bytes()) {
            n += b;
        }
        return n;
    }

    @Test
    void batchesAndProbabilitiesWhenAsked() throws Exception {
        List<ImageDetections> expected = reference();
        try (Detector detector = Detector.load(modelFile, OPTIONS.withMaskProbabilities(true))) {
            List<List<Detection>> all = detector.detectAll(images);
            assertEquals(images.size(), all.size());
            for (int i = 0; i < images.size(); i++) {
                assertEquals(expected.get(i).count(), all.get(i).size());
                int hw = images.get(i).size(1) * images.get(i).size(2);
                float[] probs = all.get(i).get(0).maskProbabilities();
                assertArrayEquals(java.util.Arrays.copyOfRange(expected.get(i).masks().floats(), 0, hw), probs);
            }
        }
    }

    @Test
    void aSharedInstanceGivesEachThreadWhatItGivesAlone() throws Exception {
        try (Detector detector = Detector.load(modelFile, OPTIONS)) {
            List<List<Detection>> alone = new ArrayList<>();
            for (Tensor img : images) {
                alone.add(detector.detect(img));
            }
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                List<Future<List<Detection>>> futures = new ArrayList<>();
                for (int round = 0; round < 2; round++) {
                    for (Tensor img : images) {
                        futures.add(pool.submit(() -> detector.detect(img)));
                    }
                }
                for (int f = 0; f < futures.size(); f++) {
                    List<Detection> got = futures.get(f).get();
                    List<Detection> want = alone.get(f % images.size());
                    assertEquals(want.size(), got.size());
                    for (int k = 0; k < got.size(); k++) {
                        assertEquals(want.get(k).toString(), got.get(k).toString());
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void settingsReachTheNetwork() throws Exception {
        try (Detector detector = Detector.load(modelFile, OPTIONS.withBoxInference(0f, 0.3f, 5).withSizes(96, 150))) {
            assertEquals(0.3f, detector.model().config().boxNmsThresh());
            assertEquals(5, detector.model().config().boxDetectionsPerImg());
            assertEquals(96, detector.model().transform().config().minSize());
            assertEquals(150, detector.model().transform().config().maxSize());
            assertTrue(detector.detect(images.get(0)).size() <= 5);
        }
    }

    @Test
    void badInputNamesTheArgument() throws Exception {
        Path pth = dir.resolve("weights.pth");
        Files.write(pth, new byte[] {'P', 'K', 3, 4, 0, 0});
        IllegalArgumentException noModel = assertThrows(IllegalArgumentException.class,
                () -> Detector.load(pth, DetectorOptions.defaults()));
        assertTrue(noModel.getMessage().startsWith("model: "), noModel.getMessage());
        IllegalArgumentException classes = assertThrows(IllegalArgumentException.class,
                () -> Detector.load(modelFile, OPTIONS.withClassNames(List.of("a", "b"))));
        assertTrue(classes.getMessage().startsWith("classNames: "), classes.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OPTIONS.withDevice(" "));
        assertThrows(IllegalArgumentException.class, () -> OPTIONS.withMaskThreshold(1.5f));
        Detector detector = Detector.load(modelFile, OPTIONS);
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> detector.detect(Tensor.zeros(DType.F32, 1, 8, 8)));
        assertTrue(shape.getMessage().startsWith("images[0]: "), shape.getMessage());
        detector.close();
        detector.close(); // twice is harmless
        assertThrows(IllegalStateException.class, () -> detector.detect(images.get(0)));
    }

    @Test
    void cocoClassesAreTorchvisionsList() {
        List<String> all = CocoClasses.withBackground();
        assertEquals(91, all.size());
        assertEquals("person", all.get(1));
        assertEquals("toothbrush", all.get(90));
        int[] unused = {12, 26, 29, 30, 45, 66, 68, 69, 71, 83};
        long na = all.stream().filter(CocoClasses.UNUSED::equals).count();
        assertEquals(unused.length, na);
        for (int id : unused) {
            assertEquals(CocoClasses.UNUSED, all.get(id));
        }
        assertEquals(90, CocoClasses.names().size());
    }
}
