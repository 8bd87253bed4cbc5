package org.rcnn4j.detection.backbone;

import org.rcnn4j.detection.ModelOptions;
import org.rcnn4j.detection.Models;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.nn.StateEntry;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.Inference;

/** VGG-16 to conv5_3: vgg16's features keys without pool5, one 512-channel map at stride 16. */
class VggBackboneTest {
    @Test
    void keysAreVgg16FeaturesUpToConv53() {
        Map<String, StateEntry> vgg = Models.vgg16(ModelOptions.defaults()).stateEntries();
        List<String> expected = new ArrayList<>();
        vgg.forEach((k, e) -> {
            if (k.startsWith("features.")) {
                expected.add(k);
            }
        });
        Map<String, StateEntry> backbone = new VggBackbone().stateEntries();
        assertEquals(expected, List.copyOf(backbone.keySet()));
        backbone.forEach((k, e) -> assertArrayEquals(vgg.get(k).shape(), e.shape(), k));
    }

    @Test
    void oneMapAtStride16() {
        VggBackbone b = new VggBackbone();
        b.initialize(3);
        float[] img = new float[3 * 48 * 64];
        for (int i = 0; i < img.length; i++) {
            img[i] = (float) Math.sin(i * 0.37);
        }
        try (Backend cpu = new CpuBackend(); Inference run = Inference.on(cpu, b)) {
            Map<String, Var> out = b.forward(run.input(Tensor.ofFloats(img, 1, 3, 48, 64)));
            assertEquals(List.of("0"), List.copyOf(out.keySet()));
            assertArrayEquals(new int[] {1, 512, 3, 4}, out.get("0").shape());
        }
    }
}
