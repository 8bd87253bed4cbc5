package org.rcnn4j.detector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.io.torch.TorchFiles;
import org.rcnn4j.io.torch.TorchSave;
import org.rcnn4j.io.torch.TorchSave.FloatTensor;
import org.rcnn4j.tensor.Tensor;

/**
 * The parity test's seeded weights are the generator's: a few tensors saved by torch itself (legacy format,
 * pretrained_parity_subset.legacy.pth, among them the stream's first and last) equal the Java draw bit for bit;
 * and what {@link TorchSave} writes reads back through {@link TorchFiles} in both formats.
 */
class PretrainedWeightsTest {
    @TempDir
    Path dir;

    @Test
    void theJavaDrawEqualsTheTensorsTorchSaved() throws Exception {
        LinkedHashMap<String, FloatTensor> drawn = PretrainedWeights.stateDict("maskrcnn_resnet50_fpn");
        assertEquals(307, drawn.size(), "maskrcnn_resnet50_fpn with FrozenBatchNorm2d has 307 state_dict keys");
        Path subset = Path.of(getClass().getResource("/fixtures/pretrained_parity_subset.legacy.pth").toURI());
        Map<String, Tensor> saved = TorchFiles.readStateDict(subset);
        assertTrue(saved.size() >= 5, "the subset holds several tensors, got " + saved.keySet());
        String last = null;
        for (String k : drawn.keySet()) {
            last = k;
        }
        assertTrue(saved.containsKey(last), "the subset holds the last tensor of the stream, " + last);
        for (Map.Entry<String, Tensor> e : saved.entrySet()) {
            FloatTensor d = drawn.get(e.getKey());
            assertArrayEquals(e.getValue().shape(), d.shape(), e.getKey());
            assertArrayEquals(e.getValue().floats(), d.values(), e.getKey()); // bit for bit (no tolerance)
        }
    }

    @Test
    void writtenFilesReadBackInBothFormats() throws Exception {
        LinkedHashMap<String, FloatTensor> sd = new LinkedHashMap<>();
        sd.put("a.weight", new FloatTensor(new int[] {2, 3, 1, 1}, new float[] {1, -2, 3.5f, 1e-30f, -0f, 7}));
        sd.put("a.bias", new FloatTensor(new int[] {70000}, new float[70000]));
        sd.get("a.bias").values()[69999] = Float.MAX_VALUE;
        sd.put("scalar", new FloatTensor(new int[] {}, new float[] {0.25f}));
        Path zip = dir.resolve("w.zip.pth");
        Path legacy = dir.resolve("w.legacy.pth");
        TorchSave.zip(zip, sd);
        TorchSave.legacy(legacy, sd);
        for (Path p : new Path[] {zip, legacy}) {
            LinkedHashMap<String, Tensor> back = TorchFiles.readStateDict(p);
            assertEquals(sd.keySet().stream().toList(), back.keySet().stream().toList(), p.toString());
            for (Map.Entry<String, FloatTensor> e : sd.entrySet()) {
                assertArrayEquals(e.getValue().shape(), back.get(e.getKey()).shape(), e.getKey());
                assertArrayEquals(e.getValue().values(), back.get(e.getKey()).floats(), e.getKey());
            }
        }
    }
}
