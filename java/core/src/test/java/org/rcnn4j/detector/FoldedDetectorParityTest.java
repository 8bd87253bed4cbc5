package org.rcnn4j.detector;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.backend.cuda.CudaLibraryOptions;
import org.rcnn4j.io.torch.TorchSave;
import org.rcnn4j.testing.CudaTestSupport;

/**
 * torchvision's fasterrcnn_resnet50_fpn (FrozenBatchNorm2d everywhere in its ResNet-50, as built for the published
 * weights; the seeded weights of {@link PretrainedParityTest}) detects the same objects on the CUDA backend with
 * cuDNN, where every batch norm folds into its convolution and every conv + bias + ReLU is one fused call, as on
 * the CPU backend, which runs the layers separately: PretrainedParityTest's agreement (98% of the detections
 * matched both ways, same label, every box coordinate within 0.5 px, the score within 1e-3). A small image size
 * keeps it quick on cuda-emu's stand-ins; TF32 off, as when comparing with torchvision's float32.
 */
class FoldedDetectorParityTest {
    @TempDir
    Path dir;

    @Test
    void fasterRcnnFoldedOnCudaMatchesTheCpu() throws Exception {
        String device = CudaTestSupport.backend().name();
        Path pth = dir.resolve("fasterrcnn_resnet50_fpn.pth");
        TorchSave.zip(pth, PretrainedWeights.stateDict("fasterrcnn_resnet50_fpn"));
        Path image = PretrainedParityTest.photo("coffee.png");
        DetectorOptions options = DetectorOptions.defaults().withModel("fasterrcnn_resnet50_fpn").withSizes(160, 240);
        List<Detection> cpu;
        try (Detector d = Detector.load(pth, options.withDevice("cpu"))) {
            cpu = d.detect(image);
        }
        String old = System.setProperty(CudaLibraryOptions.CUDNN_TF32, "false");
        List<Detection> cuda;
        long t0 = System.nanoTime();
        try (Detector d = Detector.load(pth, options.withDevice(device))) {
            cuda = d.detect(image);
        } finally {
            if (old == null) {
                System.clearProperty(CudaLibraryOptions.CUDNN_TF32);
            } else {
                System.setProperty(CudaLibraryOptions.CUDNN_TF32, old);
            }
        }
        System.out.printf(Locale.ROOT, "fasterrcnn_resnet50_fpn on %s: %d detections (cpu %d), %.1f s%n", device,
                cuda.size(), cpu.size(), (System.nanoTime() - t0) / 1e9);
        assertTrue(cpu.size() >= 50, "the seeded weights give many detections, got " + cpu.size());
        int matched = 0;
        boolean[] used = new boolean[cuda.size()];
        float maxBox = 0;
        List<String> unmatched = new ArrayList<>();
        for (Detection e : cpu) {
            int best = -1;
            float bestDiff = Float.MAX_VALUE;
            for (int j = 0; j < cuda.size(); j++) {
                Detection g = cuda.get(j);
                if (used[j] || g.classId() != e.classId()
                        || Math.abs(g.score() - e.score()) > PretrainedParityTest.SCORE_TOL) {
                    continue;
                }
                float diff = Math.max(Math.max(Math.abs(e.x1() - g.x1()), Math.abs(e.y1() - g.y1())),
                        Math.max(Math.abs(e.x2() - g.x2()), Math.abs(e.y2() - g.y2())));
                if (diff <= PretrainedParityTest.BOX_TOL && diff < bestDiff) {
                    best = j;
                    bestDiff = diff;
                }
            }
            if (best < 0) {
                unmatched.add(e.toString());
                continue;
            }
            used[best] = true;
            matched++;
            maxBox = Math.max(maxBox, bestDiff);
        }
        String report = String.format(Locale.ROOT, "%d of %d (cpu) and of %d (%s) matched, max box diff %.3g px",
                matched, cpu.size(), cuda.size(), device, maxBox);
        System.out.println(report);
        assertTrue(matched >= PretrainedParityTest.MATCHED * cpu.size()
                && matched >= PretrainedParityTest.MATCHED * cuda.size(), report + "; unmatched: "
                        + unmatched.subList(0, Math.min(5, unmatched.size())));
    }
}
