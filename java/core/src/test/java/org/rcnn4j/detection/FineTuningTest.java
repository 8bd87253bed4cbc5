package org.rcnn4j.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Sgd;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.io.torch.TorchSave;
import org.rcnn4j.io.torch.TorchSave.FloatTensor;
import org.rcnn4j.nn.FrozenBatchNorm2d;
import org.rcnn4j.nn.functional.TensorMath;
import org.rcnn4j.tensor.Tensor;

/**
 * FineTuning.fromPretrained: a COCO-shaped {@code .pth} (91 classes, seeded weights written in torch's zip format)
 * becomes a detector for 3 classes whose predictors are new and whose every other weight is the file's, and it
 * trains.
 */
class FineTuningTest {
    @TempDir
    Path dir;

    /** {@code model} with 91 classes, seeded, as a torch zip .pth; returns its state dict. */
    private LinkedHashMap<String, Tensor> writePth(String model, Path pth) throws Exception {
        GeneralizedRcnn coco = (GeneralizedRcnn) Models.create(model, ModelOptions.defaults());
        LinkedHashMap<String, Tensor> sd = coco.initialize(11).stateDict();
        LinkedHashMap<String, FloatTensor> out = new LinkedHashMap<>();
        sd.forEach((k, t) -> out.put(k, new FloatTensor(t.shape(), t.floats())));
        TorchSave.zip(pth, out);
        return sd;
    }

    @Test
    void maskRcnnKeepsTheFilesWeightsAndGetsNewPredictors() throws Exception {
        Path pth = dir.resolve("maskrcnn_resnet50_fpn_coco.pth");
        LinkedHashMap<String, Tensor> file = writePth(Models.MASKRCNN_RESNET50_FPN, pth);
        GeneralizedRcnn m = FineTuning.fromPretrained(pth, Models.MASKRCNN_RESNET50_FPN, 3);
        assertEquals(3, m.numClasses());
        LinkedHashMap<String, Tensor> sd = m.stateDict();
        assertEquals(new ArrayList<>(file.keySet()), new ArrayList<>(sd.keySet()), "torchvision's keys");
        assertArrayEquals(new int[] {3, 1024}, sd.get("roi_heads.box_predictor.cls_score.weight").shape());
        assertArrayEquals(new int[] {12, 1024}, sd.get("roi_heads.box_predictor.bbox_pred.weight").shape());
        assertArrayEquals(new int[] {12}, sd.get("roi_heads.box_predictor.bbox_pred.bias").shape());
        assertArrayEquals(new int[] {256, 256, 2, 2}, sd.get("roi_heads.mask_predictor.conv5_mask.weight").shape());
        assertArrayEquals(new int[] {3, 256, 1, 1}, sd.get("roi_heads.mask_predictor.mask_fcn_logits.weight").shape());
        int replaced = 0;
        for (Map.Entry<String, Tensor> e : sd.entrySet()) {
            String k = e.getKey();
            if (k.startsWith("roi_heads.box_predictor.") || k.startsWith("roi_heads.mask_predictor.")) {
                replaced++;
                if (k.equals("roi_heads.mask_predictor.conv5_mask.weight")) {
                    // same shape as the file's, yet new: the whole mask predictor is replaced, as in the tutorial
                    assertFalse(java.util.Arrays.equals(file.get(k).floats(), e.getValue().floats()), k);
                }
            } else {
                assertArrayEquals(file.get(k).floats(), e.getValue().floats(), k + " comes from the file");
            }
        }
        assertEquals(8, replaced);
        assertEquals(0f, ((FrozenBatchNorm2d) m.get("backbone.body.bn1")).eps(), "torchvision's eps for its weights");

        // one SGD step at a small size: every loss finite, the new predictors move, the frozen stem does not
        m.setTransformSizes(96, 96);
        Tensor stemBefore = sd.get("backbone.body.conv1.weight");
        float[] clsBefore = sd.get("roi_heads.box_predictor.cls_score.weight").floats().clone();
        float[] stem = stemBefore.floats().clone();
        m.to(new CpuBackend());
        try (Sgd sgd = new Sgd(new ArrayList<>(m.trainableVars().values()), 0.01, 0.9, 1e-4)) {
            assertFalse(m.trainableVars().containsKey("backbone.body.conv1.weight"), "frozen, as torchvision's 3 "
                    + "trainable layers");
            m.train(true);
            try (Scope s = Scope.open()) {
                Map<String, Var> losses = m.losses(List.of(image()), List.of(target()), 1);
                Var total = null;
                for (Var v : losses.values()) {
                    assertTrue(Double.isFinite(v.item()), losses.toString());
                    total = total == null ? v : TensorMath.add(total, v);
                }
                sgd.zeroGrad();
                total.backward();
                sgd.step();
            }
            sgd.zeroGrad();
        } finally {
            m.release();
        }
        LinkedHashMap<String, Tensor> after = m.stateDict();
        assertArrayEquals(stem, after.get("backbone.body.conv1.weight").floats());
        assertFalse(java.util.Arrays.equals(clsBefore, after.get("roi_heads.box_predictor.cls_score.weight").floats()));
    }

    @Test
    void fasterRcnnAndItsChecks() throws Exception {
        Path pth = dir.resolve("fasterrcnn_resnet50_fpn_coco.pth");
        LinkedHashMap<String, Tensor> file = writePth(Models.FASTERRCNN_RESNET50_FPN, pth);
        GeneralizedRcnn m = FineTuning.fromPretrained(pth, Models.FASTERRCNN_RESNET50_FPN, 5);
        assertFalse(m.hasMasks());
        assertArrayEquals(new int[] {5, 1024}, m.stateDict().get("roi_heads.box_predictor.cls_score.weight").shape());
        assertArrayEquals(file.get("rpn.head.cls_logits.weight").floats(),
                m.stateDict().get("rpn.head.cls_logits.weight").floats());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FineTuning.fromPretrained(pth, Models.MASKRCNN_RESNET50_FPN, 5));
        assertTrue(e.getMessage().contains("does not fit maskrcnn_resnet50_fpn")
                && e.getMessage().contains("missing roi_heads.mask_head.0.0.weight"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FineTuning.fromPretrained(pth, "vgg16", 5));
        assertTrue(e.getMessage().contains("model: 'vgg16' is not a detector"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> FineTuning.fromPretrained(pth, Models.FASTERRCNN_RESNET50_FPN, 1));
        assertTrue(e.getMessage().contains("numClasses must be >= 2"), e.getMessage());
    }

    /** A 64x80 picture: a bright rectangle on a ramp. */
    private static Tensor image() {
        int h = 64;
        int w = 80;
        float[] rgb = new float[3 * h * w];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    boolean in = y >= 10 && y < 50 && x >= 20 && x < 60;
                    rgb[(c * h + y) * w + x] = in ? 0.9f - 0.1f * c : 0.002f * (x + y);
                }
            }
        }
        return Tensor.ofFloats(rgb, 3, h, w);
    }

    private static DetectionTargets target() {
        byte[] mask = new byte[64 * 80];
        for (int y = 10; y < 50; y++) {
            for (int x = 20; x < 60; x++) {
                mask[y * 80 + x] = 1;
            }
        }
        return new DetectionTargets(Tensor.ofFloats(new float[] {20, 10, 60, 50}, 1, 4), Tensor.ofLongs(new long[] {2},
                1), Tensor.ofBytes(mask, 1, 64, 80));
    }
}
