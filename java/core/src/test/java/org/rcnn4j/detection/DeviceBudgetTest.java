package org.rcnn4j.detection;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.nn.functional.TensorMath;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.DeviceStats;
import org.rcnn4j.cuda.SyncSites;
import org.rcnn4j.data.Sample;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.RandomTensors;

/**
 * The detectors stay on the device (issue 13): on the CUDA backend (the emulator in CI) one {@code detect()} of
 * one image makes at most {@link #DETECT_SYNCS} host synchronizations and reads back no more than its final
 * outputs, for two images of different sizes. A host round trip brought back into the path (a toHost of a
 * proposal-sized tensor, a count read per image) raises the count past the budget.
 *
 * <p>One training step of maskrcnn_small (two images: forward, losses, backward, the losses read back) makes at
 * most {@link #TRAIN_SYNCS} (issue 13; 139 before it, 79 before training batch norm, the targets and the losses
 * moved to the device): the RPN's and the RoI heads' matching (each reads its IoU matrices once for all images),
 * the proposal filter's counts, MultiScaleRoIAlign's per-level counts (box and mask branch) and the final read
 * of the losses. On failure the message lists the synchronizations by call site ({@code SyncSites}).
 */
class DeviceBudgetTest {
    static final int DETECT_SYNCS = 3;
    static final int TRAIN_SYNCS = 6;

    /** maskrcnn_small, initialized, every detection kept (score threshold 0) so the mask branch runs. */
    static GeneralizedRcnn model(Backend backend) {
        GeneralizedRcnn m = Models.maskrcnnSmall(ModelOptions.defaults());
        m.initialize(4);
        m.setBoxInference(0f, 0.5f, 100);
        m.to(backend);
        return m;
    }

    /** The bytes of one image's final outputs: boxes, scores, labels and pasted masks. */
    static long outputBytes(ImageDetections d) {
        return (long) d.boxes().numel() * 4 + (long) d.scores().numel() * 4 + (long) d.labels().numel() * 8
                + (d.masks() == null ? 0 : (long) d.masks().numel() * 4);
    }

    @Test
    void detectStaysOnTheDevice() {
        Backend cuda = CudaTestSupport.backend();
        GeneralizedRcnn m = model(cuda);
        try {
            m.train(false);
            RandomTensors r = new RandomTensors(7);
            List<Tensor> images = List.of(DetectorBackendParityTest.scenes(1, 21).get(0).image(),
                    r.uniform(0, 1, 3, 96, 150));
            m.detect(List.of(images.get(0))); // warm-up: kernels loaded, allocator filled
            for (Tensor image : images) {
                DeviceStats before = cuda.stats();
                ImageDetections d = m.detect(List.of(image)).get(0);
                DeviceStats cost = cuda.stats().minus(before);
                String what = "detect of a " + image.size(1) + "x" + image.size(2) + " image with "
                        + d.scores().numel() + " detections: " + cost.format();
                System.out.println("DeviceBudgetTest " + what);
                assertTrue(d.scores().numel() > 0, what + ": the mask branch must run");
                assertTrue(cost.syncs() <= DETECT_SYNCS, what + ": more than " + DETECT_SYNCS + " synchronizations");
                // the final outputs plus the counts read to size them (a few ints per image)
                assertTrue(cost.toHostBytes() <= outputBytes(d) + 64, what + ": read back more than the outputs ("
                        + outputBytes(d) + " bytes)");
            }
            // masks kept at their windows: a small image's paste still rides along the one read of the outputs
            DeviceStats before = cuda.stats();
            ImageDetections c = m.detect(List.of(images.get(1)), MaskOutput.above(0.5f).asCrops()).get(0);
            DeviceStats cost = cuda.stats().minus(before);
            assertTrue(c.crops().size() > 0 && cost.syncs() <= DETECT_SYNCS, "cropped detect of " + c.count()
                    + " detections: " + cost.format());
        } finally {
            m.release();
        }
    }

    @Test
    void trainingStepStaysOnTheDevice() {
        Backend cuda = CudaTestSupport.backend();
        GeneralizedRcnn m = model(cuda);
        try {
            m.train(true);
            List<Sample> batch = DetectorBackendParityTest.scenes(2, 21);
            List<Tensor> images = new ArrayList<>();
            List<DetectionTargets> targets = new ArrayList<>();
            for (Sample s : batch) {
                images.add(s.image());
                targets.add(DetectionTargets.of(s));
            }
            step(m, images, targets, 1); // warm-up
            String sites;
            DeviceStats cost;
            String previous = System.setProperty("rcnn4j.cuda.syncSites", "true");
            try {
                SyncSites.reset();
                DeviceStats before = cuda.stats();
                step(m, images, targets, 2);
                cost = cuda.stats().minus(before);
                sites = SyncSites.format();
            } finally {
                restore("rcnn4j.cuda.syncSites", previous);
            }
            String what = "training step: " + cost.format();
            System.out.println("DeviceBudgetTest " + what + "\n" + sites);
            assertTrue(cost.syncs() <= TRAIN_SYNCS, what + ": more than " + TRAIN_SYNCS + " synchronizations, from\n"
                    + sites);
        } finally {
            m.release();
        }
    }

    private static void restore(String key, String previous) {
        if (previous == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, previous);
        }
    }

    /** Losses, their sum's backward, and the losses read back together (as the trainer logs them). */
    private static void step(GeneralizedRcnn m, List<Tensor> images, List<DetectionTargets> targets, long seed) {
        try (Scope scope = Scope.open()) {
            Map<String, Var> losses = m.losses(images, targets, seed);
            Var total = null;
            for (Var v : losses.values()) {
                total = total == null ? v : TensorMath.add(total, v);
            }
            total.backward();
            List<Tensor> values = new ArrayList<>();
            losses.values().forEach(v -> values.add(v.value()));
            m.backend().toHost(values);
        }
        m.trainableVars().values().forEach(Var::zeroGrad);
    }
}
