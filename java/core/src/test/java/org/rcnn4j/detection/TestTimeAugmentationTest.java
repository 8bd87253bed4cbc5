package org.rcnn4j.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Backends;
import org.rcnn4j.backend.DeviceStats;
import org.rcnn4j.data.HorizontalFlip;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.RandomTensors;

/**
 * {@link TestTimeAugmentation} on a randomly initialized maskrcnn_small (every threshold at 0, so it keeps 100
 * detections of a random image): one view is the detector itself bit for bit, a scale is the detector at its scaled
 * sizes, flips are mirror-symmetric, every mask form agrees with the crops, and the model's sizes come back.
 */
class TestTimeAugmentationTest {
    private static final int H = 96;
    private static final int W = 150;

    private static List<Tensor> image(long seed) {
        return List.of(new RandomTensors(seed).uniform(0, 1, 3, H, W));
    }

    @Test
    void badSettingsAreNamed() {
        assertMessage("scales", () -> new TestTimeAugmentation(List.of(), true, 0.6f));
        assertMessage("scales", () -> new TestTimeAugmentation(null, true, 0.6f));
        assertMessage("scales", () -> TestTimeAugmentation.of(true, 0));
        assertMessage("scales", () -> TestTimeAugmentation.of(true, 1, -1));
        assertMessage("scales", () -> TestTimeAugmentation.of(true, Double.NaN));
        assertMessage("scales", () -> TestTimeAugmentation.of(true, 4.5));
        assertMessage("scales", () -> TestTimeAugmentation.of(true, 1, 1.25, 1));
        assertMessage("scales", () -> new TestTimeAugmentation(Arrays.asList(1.0, null), true, 0.6f));
        assertMessage("fusionIou", () -> new TestTimeAugmentation(List.of(1.0), true, 0f));
        assertMessage("fusionIou", () -> new TestTimeAugmentation(List.of(1.0), true, 1f));
        assertMessage("fusionIou", () -> new TestTimeAugmentation(List.of(1.0), true, Float.NaN));
        assertMessage("scales", () -> TestTimeAugmentation.flipsAt("1,x"));
        assertMessage("scales", () -> TestTimeAugmentation.flipsAt(""));
        assertMessage("scales", () -> TestTimeAugmentation.flipsAt(null));
        assertEquals(TestTimeAugmentation.of(true, 0.875, 1, 1.25), TestTimeAugmentation.flipsAt("0.875, 1,1.25"));
        assertEquals(4, TestTimeAugmentation.of(true, 1, 1.25).views());
        assertEquals(2, TestTimeAugmentation.of(false, 1, 1.25).views());
        TestTimeAugmentation t = TestTimeAugmentation.flips();
        assertMessage("model", () -> t.detect(null, image(1), MaskOutput.probabilities()));
        try (Backend cpu = Backends.create("cpu")) {
            GeneralizedRcnn m = DeviceBudgetTest.model(cpu);
            try {
                assertMessage("masks", () -> t.detect(m, image(1), null));
                assertMessage("images", () -> t.detect(m, List.of(), MaskOutput.probabilities()));
            } finally {
                m.release();
            }
        }
    }

    /** Spark ships it to the executors inside a DetectorSpec. */
    @Test
    void itSerializes() throws Exception {
        TestTimeAugmentation t = TestTimeAugmentation.of(true, 1, 1.25);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(t);
        }
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(t, in.readObject());
        }
    }

    private static void assertMessage(String argument, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().startsWith(argument + ": "), e.getMessage());
    }

    @Test
    void oneViewIsTheDetectorItself() {
        onCpu(m -> {
            List<Tensor> images = image(3);
            TestTimeAugmentation one = TestTimeAugmentation.of(false, 1.0);
            for (MaskOutput out : List.of(MaskOutput.probabilities(), MaskOutput.above(0.5f),
                    MaskOutput.above(0.5f).asCrops(), MaskOutput.probabilities().asCrops())) {
                ImageDetections want = m.detect(images, out).get(0);
                ImageDetections got = one.detect(m, images, out).get(0);
                assertTrue(want.count() == 100, "the model must keep 100 detections, got " + want.count());
                assertSame(out.toString(), want, got);
            }
        });
    }

    @Test
    void aScaleIsTheDetectorAtItsScaledSizesAndTheSizesComeBack() {
        onCpu(m -> {
            List<Tensor> images = List.of(image(5).get(0), new RandomTensors(6).uniform(0, 1, 3, 120, 80));
            RcnnConfig own = m.config();
            List<ImageDetections> got = TestTimeAugmentation.of(false, 1.25).detect(m, images,
                    MaskOutput.probabilities());
            assertEquals(List.of(own.minSize(), own.maxSize()), List.of(m.config().minSize(),
                    m.config().maxSize()));
            m.setTransformSizes(Math.round(own.minSize() * 1.25f), Math.round(own.maxSize() * 1.25f));
            List<ImageDetections> want = m.detect(images);
            m.setTransformSizes(own.minSize(), own.maxSize());
            for (int i = 0; i < images.size(); i++) {
                assertSame("image " + i, want.get(i), got.get(i));
            }
            // a view that fails leaves the sizes as they were
            List<Tensor> bad = List.of(Tensor.ofFloats(new float[6], 1, 2, 3));
            assertThrows(IllegalArgumentException.class, () -> TestTimeAugmentation.of(true, 1.5).detect(m,
                    bad, MaskOutput.probabilities()));
            assertEquals(List.of(own.minSize(), own.maxSize()), List.of(m.config().minSize(),
                    m.config().maxSize()));
        });
    }

    /** The flips of an image and of its mirror are each other's mirror (up to the rounding of W - x). */
    @Test
    void flipsAreMirrorSymmetric() {
        onCpu(m -> {
            List<Tensor> images = image(7);
            TestTimeAugmentation flips = TestTimeAugmentation.of(true, 1.0, 1.25);
            MaskOutput crops = MaskOutput.probabilities().asCrops();
            ImageDetections a = flips.detect(m, images, crops).get(0);
            ImageDetections b = flips.detect(m, List.of(HorizontalFlip.flipWidth(images.get(0))), crops).get(0);
            assertTrue(a.count() == 100, "fused detections: " + a.count());
            assertEquals(a.count(), b.count());
            assertArrayEquals(a.labels().longs(), b.labels().longs());
            assertArrayEquals(a.scores().floats(), b.scores().floats(), 1e-6f);
            float[] ba = a.boxes().floats();
            float[] bb = b.boxes().floats();
            for (int k = 0; k < a.count(); k++) {
                float[] mirrored = {W - bb[4 * k + 2], bb[4 * k + 1], W - bb[4 * k], bb[4 * k + 3]};
                assertArrayEquals(Arrays.copyOfRange(ba, 4 * k, 4 * k + 4), mirrored, 1e-3f, "box " + k);
                MaskCrop ma = a.crops().get(k);
                MaskCrop mb = b.crops().get(k);
                assertEquals(List.of(ma.x0(), ma.y0(), ma.x1(), ma.y1()), List.of(W - mb.x1(), mb.y0(),
                        W - mb.x0(), mb.y1()), "mask window " + k);
                float[] va = ma.values().floats();
                float[] vb = mb.values().floats();
                int w = ma.width();
                for (int j = 0; j < va.length; j++) {
                    assertEquals(va[j], vb[j - j % w + w - 1 - j % w], 1e-5f, "mask " + k + " pixel " + j);
                }
            }
        });
    }

    @Test
    void everyMaskFormIsTheFusedCrops() {
        onCpu(m -> {
            List<Tensor> images = image(9);
            TestTimeAugmentation flips = TestTimeAugmentation.flips();
            ImageDetections crops = flips.detect(m, images, MaskOutput.probabilities().asCrops()).get(0);
            for (MaskOutput out : List.of(MaskOutput.probabilities(), MaskOutput.above(0.5f),
                    MaskOutput.atLeast(0.25f), MaskOutput.above(0.5f).asCrops())) {
                ImageDetections got = flips.detect(m, images, out).get(0);
                assertArrayEquals(crops.boxes().floats(), got.boxes().floats(), out.toString());
                assertArrayEquals(crops.scores().floats(), got.scores().floats(), out.toString());
                for (int k = 0; k < crops.count(); k++) {
                    MaskCrop c = crops.crops().get(k);
                    float[] p = c.values().floats();
                    if (out.cropped()) {
                        byte[] bin = got.crops().get(k).values().bytes();
                        for (int j = 0; j < p.length; j++) {
                            assertEquals(out.inside(p[j]) ? 1 : 0, bin[j], "mask " + k);
                        }
                    } else {
                        MaskCropsTest.assertSamePlane(out + " mask " + k, got.masks(), k, out.binary()
                                ? FusedDetections.binary(c, out) : c);
                    }
                }
            }
        });
    }

    @Test
    void fasterRcnnHasNoMasks() {
        try (Backend cpu = Backends.create("cpu")) {
            GeneralizedRcnn m = Models.fasterrcnnSmall(ModelOptions.defaults());
            m.initialize(4);
            m.setBoxInference(0f, 0.5f, 100);
            m.to(cpu);
            try {
                m.train(false);
                ImageDetections d = TestTimeAugmentation.flips().detect(m, image(11), MaskOutput.probabilities())
                        .get(0);
                assertTrue(d.count() > 0);
                assertNull(d.masks());
                assertNull(d.crops());
            } finally {
                m.release();
            }
        }
    }

    /** On the CUDA backend (the emulator in CI) the views leave nothing behind on the device. */
    @Test
    void freesWhatItMakesOnCuda() {
        Backend cuda = CudaTestSupport.backend();
        GeneralizedRcnn m = DeviceBudgetTest.model(cuda);
        try {
            m.train(false);
            List<Tensor> images = image(13);
            TestTimeAugmentation flips = TestTimeAugmentation.flips();
            flips.detect(m, images, MaskOutput.above(0.5f).asCrops()); // warm-up: kernels loaded
            DeviceStats before = cuda.stats();
            ImageDetections d = flips.detect(m, images, MaskOutput.above(0.5f).asCrops()).get(0);
            DeviceStats after = cuda.stats();
            assertTrue(d.count() > 0);
            assertEquals(before.liveTensors(), after.liveTensors(), "live device tensors");
            assertEquals(before.liveBytes(), after.liveBytes(), "live device bytes");
        } finally {
            m.release();
        }
    }

    /** Runs {@code test} on the random maskrcnn_small in eval mode on the CPU, then frees it. */
    private static void onCpu(java.util.function.Consumer<GeneralizedRcnn> test) {
        try (Backend cpu = Backends.create("cpu")) {
            GeneralizedRcnn m = DeviceBudgetTest.model(cpu);
            try {
                m.train(false);
                test.accept(m);
            } finally {
                m.release();
            }
        }
    }

    /** Same detections: boxes, scores, labels and masks (any form) bit for bit. */
    private static void assertSame(String what, ImageDetections want, ImageDetections got) {
        assertArrayEquals(want.boxes().floats(), got.boxes().floats(), what);
        assertArrayEquals(want.scores().floats(), got.scores().floats(), what);
        assertArrayEquals(want.labels().longs(), got.labels().longs(), what);
        if (want.crops() != null) {
            assertEquals(want.crops().size(), got.crops().size(), what);
            for (int k = 0; k < want.crops().size(); k++) {
                MaskCrop a = want.crops().get(k);
                MaskCrop b = got.crops().get(k);
                assertEquals(List.of(a.x0(), a.y0(), a.x1(), a.y1()), List.of(b.x0(), b.y0(), b.x1(), b.y1()), what);
                assertEquals(a.values().dtype(), b.values().dtype(), what);
                if (a.binary()) {
                    assertArrayEquals(a.values().bytes(), b.values().bytes(), what);
                } else {
                    assertArrayEquals(a.values().floats(), b.values().floats(), what);
                }
            }
        } else {
            assertEquals(want.masks().dtype(), got.masks().dtype(), what);
            assertArrayEquals(want.masks().shape(), got.masks().shape(), what);
            if (want.masks().dtype() == org.rcnn4j.tensor.DType.U8) {
                assertArrayEquals(want.masks().bytes(), got.masks().bytes(), what);
            } else {
                assertArrayEquals(want.masks().floats(), got.masks().floats(), what);
            }
        }
    }
}
