package org.rcnn4j.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import org.rcnn4j.autograd.Live;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Sgd;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.data.Sample;
import org.rcnn4j.nn.functional.TensorMath;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;

/**
 * A short training run (SGD, the same handful of scenes every step) drives the detector's total loss well down
 * on the CPU backend and on the CUDA backend (GPU or emulator); on CUDA the device memory in use is the same after
 * every step (nothing accumulates) and returns to its starting value after {@code model.release()} (issue #4).
 */
class DetectorTrainingRunTest {

    /** Total losses of {@code steps} SGD steps on {@code batch}; {@code afterStep} sees the step index. */
    static double[] train(GeneralizedRcnn model, Backend backend, List<Sample> batch, int steps, double lr,
            IntConsumer afterStep) {
        model.to(backend);
        model.train(true);
        List<Tensor> images = new ArrayList<>();
        List<DetectionTargets> targets = new ArrayList<>();
        for (Sample s : batch) {
            images.add(s.image());
            targets.add(DetectionTargets.of(s));
        }
        double[] totals = new double[steps];
        try (Sgd sgd = new Sgd(new ArrayList<>(model.trainableVars().values()), lr, 0.9, 1e-4)) {
            for (int step = 0; step < steps; step++) {
                try (Scope scope = Scope.open()) {
                    Map<String, Var> losses = model.losses(images, targets, 100 + step);
                    Var total = null;
                    for (Var v : losses.values()) {
                        total = total == null ? v : TensorMath.add(total, v);
                    }
                    totals[step] = total.item();
                    assertTrue(Double.isFinite(totals[step]), "step " + step + ": total loss " + totals[step]);
                    sgd.zeroGrad();
                    total.backward();
                    sgd.step();
                }
                afterStep.accept(step);
            }
            sgd.zeroGrad();
        }
        return totals;
    }

    /**
     * maskrcnn_small with its images resized to {@code minSize} (the 128x128 scenes become minSize x minSize), the
     * anchors halved accordingly: the same network at a quarter of the pixels, for the CUDA emulator, which runs
     * kernels on one CPU thread per block and is far slower than the CPU backend.
     */
    static GeneralizedRcnn maskrcnnSmallAt(int minSize) {
        RcnnConfig c = SmallLayouts.config();
        int n = Models.SMALL_NUM_CLASSES;
        return SmallLayouts.configureMasks(SmallLayouts.configure(MaskRcnn.builder(SmallLayouts.backbone()), n), n)
                .minSize(minSize).maxSize((int) Math.round(c.maxSize() * minSize / (double) c.minSize()))
                .rpnAnchorGenerator(new AnchorGenerator(new int[][] {{12}, {24}, {48}},
                        AnchorGenerator.FPN_ASPECT_RATIOS))
                .build();
    }

    private static void assertDecreases(String what, double[] totals) {
        int n = totals.length;
        double start = (totals[0] + totals[1]) / 2;
        double end = (totals[n - 1] + totals[n - 2]) / 2;
        System.out.printf("%s: total loss %.4f -> %.4f over %d steps %s%n", what, start, end, n,
                java.util.Arrays.toString(totals));
        assertTrue(end < 0.6 * start, what + ": total loss " + start + " -> " + end + " (expected at most 60% of"
                + " the start)");
    }

    @Test
    void maskRcnnLossesGoDownOnCpuAndDetectsTheSameOnCuda() {
        GeneralizedRcnn m = Models.maskrcnnSmall(ModelOptions.defaults());
        m.initialize(11);
        long live = Live.tensors();
        List<Sample> scenes = DetectorBackendParityTest.scenes(4, 31);
        double[] totals = train(m, new CpuBackend(), scenes, 30, 0.02, s -> { });
        m.release();
        assertDecreases("maskrcnn_small on cpu", totals);
        assertEquals(live, Live.tensors(), "autograd tensors left open");
        detectionsAgreeAcrossBackends(m, List.of(scenes.get(0).image(), scenes.get(1).image()));
    }

    /**
     * The trained weights detect the same on the CUDA backend as on the CPU backend: every detection scoring at
     * least 0.06 (above box_score_thresh 0.05 by far more than float32 rounding, and above the last kept score
     * by 1e-3 when the detections_per_img cap cut the list, so it cannot drop out on the other side) has a counterpart
     * on the other backend with the same label, a box within 0.05 px, a score within 1e-4 and a mask within 1e-3
     * (probabilities). Rounding differs by ~1e-6 relative (see DetectorBackendParityTest).
     */
    private static void detectionsAgreeAcrossBackends(GeneralizedRcnn m, List<Tensor> images) {
        m.eval();
        m.to(new CpuBackend());
        List<ImageDetections> cpu = m.detect(images);
        m.release();
        Backend cuda = CudaTestSupport.backend();
        m.to(cuda);
        List<ImageDetections> gpu = m.detect(images);
        m.release();
        int compared = 0;
        for (int i = 0; i < images.size(); i++) {
            int cap = m.config().boxDetectionsPerImg();
            compared += matchAll("image " + i + " cpu -> " + cuda.name(), cpu.get(i), gpu.get(i), cap);
            matchAll("image " + i + " " + cuda.name() + " -> cpu", gpu.get(i), cpu.get(i), cap);
        }
        System.out.println("detections compared across backends: " + compared);
        assertTrue(compared > 0, "the trained model detects nothing above 0.06 on these scenes");
    }

    private static int matchAll(String what, ImageDetections a, ImageDetections b, int cap) {
        float[] sa = a.scores().floats();
        float threshold = 0.06f;
        if (sa.length >= cap) {
            float last = Float.MAX_VALUE;
            for (float v : sa) {
                last = Math.min(last, v);
            }
            threshold = Math.max(threshold, last + 1e-3f);
        }
        float[] ba = a.boxes().floats();
        long[] la = a.labels().longs();
        float[] sb = b.scores().floats();
        float[] bb = b.boxes().floats();
        long[] lb = b.labels().longs();
        int count = 0;
        for (int i = 0; i < sa.length; i++) {
            if (sa[i] < threshold) {
                continue;
            }
            int found = -1;
            for (int j = 0; j < sb.length && found < 0; j++) {
                boolean same = la[i] == lb[j] && Math.abs(sa[i] - sb[j]) <= 1e-4;
                for (int c = 0; c < 4 && same; c++) {
                    same = Math.abs(ba[4 * i + c] - bb[4 * j + c]) <= 0.05f;
                }
                found = same ? j : -1;
            }
            assertTrue(found >= 0, what + ": detection " + i + " (label " + la[i] + ", score " + sa[i] + ", box "
                    + ba[4 * i] + "," + ba[4 * i + 1] + "," + ba[4 * i + 2] + "," + ba[4 * i + 3]
                    + ") has no counterpart");
            if (a.masks() != null) {
                int hw = a.masks().size(2) * a.masks().size(3);
                float[] ma = a.masks().floats();
                float[] mb = b.masks().floats();
                double worst = 0;
                for (int p = 0; p < hw; p++) {
                    worst = Math.max(worst, Math.abs(ma[i * hw + p] - mb[found * hw + p]));
                }
                assertTrue(worst <= 1e-3, what + ": detection " + i + " mask differs by " + worst);
            }
            count++;
        }
        return count;
    }

    @Test
    void lossesGoDownOnCudaWithFlatMemory() {
        Backend cuda = CudaTestSupport.backend();
        CudaDevice d = CudaTestSupport.device();
        GeneralizedRcnn m = maskrcnnSmallAt(64);
        m.initialize(11);
        d.synchronize();
        long bytesBefore = d.bytesInUse();
        long allocationsBefore = d.liveAllocations();
        int steps = 12;
        long[] bytes = new long[steps];
        long[] allocations = new long[steps];
        double[] totals = train(m, cuda, DetectorBackendParityTest.scenes(2, 31), steps, 0.02, s -> {
            d.synchronize();
            bytes[s] = d.bytesInUse();
            allocations[s] = d.liveAllocations();
        });
        // step 1 creates the momentum buffers; from step 2 on nothing may accumulate
        for (int s = 2; s < steps; s++) {
            assertEquals(bytes[1], bytes[s], "device bytes in use after step " + (s + 1) + " vs step 2");
            assertEquals(allocations[1], allocations[s], "live device buffers after step " + (s + 1) + " vs 2");
        }
        m.release();
        d.synchronize();
        assertEquals(bytesBefore, d.bytesInUse(), "device bytes in use after model.release()");
        assertEquals(allocationsBefore, d.liveAllocations(), "live device buffers after model.release()");
        assertDecreases("maskrcnn_small on " + cuda.name(), totals);
    }
}
