package org.rcnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.io.Safetensors;
import org.rcnn4j.detection.GeneralizedRcnn;
import org.rcnn4j.detection.ModelOptions;
import org.rcnn4j.detection.Models;
import org.rcnn4j.detection.Norm;
import org.rcnn4j.detection.Weights;
import org.rcnn4j.tensor.Tensor;

/** rcnn4j model NAME --weights FILE: the whole-model key check, on a file made from rcnn4j's own model. */
class ModelWeightsCommandTest {
    @TempDir
    Path tmp;

    /** torchvision's pre-version-2 names of the FPN blocks and the RPN head conv. */
    private static String oldName(String k) {
        return k.replaceAll("^(backbone\\.fpn\\.(inner|layer)_blocks\\.\\d+)\\.0\\.", "$1.")
                .replace("rpn.head.conv.0.0.", "rpn.head.conv.");
    }

    @Test
    void aFullModelFileLoadsAndAWrongClassCountIsListed() throws Exception {
        // torchvision's weights=None layout (BatchNorm2d, num_batches_tracked) with 2 classes and old key names
        GeneralizedRcnn src = Models.fasterrcnnResnet50Fpn(ModelOptions.defaults().withNumClasses(2)
                .withNorm(Norm.BATCH));
        src.initialize(11);
        Map<String, Tensor> sd = new LinkedHashMap<>();
        src.stateDict().forEach((k, v) -> sd.put(oldName(k), v));
        Path file = tmp.resolve("frcnn2.safetensors");
        Safetensors.write(file, sd, null);

        // 41405401: torchvision's FasterRCNN(resnet50 FrozenBN FPN, num_classes=2) state_dict elements
        Cli.Result ok = Cli.run("model", "fasterrcnn_resnet50_fpn", "--weights", file.toString(), "--num-classes",
                "2").assertOk();
        List<String> lines = ok.out().lines().toList();
        assertEquals("loaded 295 tensors, 41405401 elements into fasterrcnn_resnet50_fpn from " + file
                + " (safetensors)", lines.get(0));
        assertTrue(lines.get(1).startsWith("# renamed 18 keys from torchvision's older names (e.g. "
                + "backbone.fpn.inner_blocks.0.weight -> backbone.fpn.inner_blocks.0.0.weight)"), ok.out());
        assertTrue(lines.get(2).startsWith("# dropped 53 entries the model does not keep (e.g. "
                + "backbone.body.bn1.num_batches_tracked)"), ok.out());
        assertTrue(ok.err().isEmpty(), ok.err());

        // the same through the library: values are the file's
        GeneralizedRcnn frozen = Models.fasterrcnnResnet50Fpn(ModelOptions.defaults().withNumClasses(2));
        Weights.load(frozen, file);
        assertArrayEquals(src.stateDict().get("rpn.head.conv.0.0.weight").floats(),
                frozen.stateDict().get("rpn.head.conv.0.0.weight").floats());
        assertArrayEquals(src.stateDict().get("backbone.body.layer3.5.bn2.running_var").floats(),
                frozen.stateDict().get("backbone.body.layer3.5.bn2.running_var").floats());

        // default 91 classes: the four predictor tensors, one line each, then the error with the hint
        Cli.Result bad = Cli.run("model", "fasterrcnn_resnet50_fpn", "--weights", file.toString());
        assertEquals(2, bad.code());
        List<String> err = bad.err().lines().toList();
        assertEquals(List.of(
                "mismatched roi_heads.box_predictor.cls_score.weight: model F32[91, 1024], file F32[2, 1024]",
                "mismatched roi_heads.box_predictor.cls_score.bias: model F32[91], file F32[2]",
                "mismatched roi_heads.box_predictor.bbox_pred.weight: model F32[364, 1024], file F32[8, 1024]",
                "mismatched roi_heads.box_predictor.bbox_pred.bias: model F32[364], file F32[8]",
                "rcnn4j: error: model: " + file + " does not fit fasterrcnn_resnet50_fpn: 0 missing, 0 unexpected, "
                        + "4 mismatched keys (listed above); the file has 2 classes: try --num-classes 2"), err);
        assertTrue(bad.out().isEmpty(), bad.out());
    }

    @Test
    void pthProblemsNameTheFilesOwnKeys() throws URISyntaxException {
        String f = Path.of(ModelWeightsCommandTest.class.getResource("/fixtures/pth_checkpoint.legacy.pth").toURI())
                .toString();
        Cli.Result r = Cli.run("model", "maskrcnn_resnet50_fpn", "--weights", f);
        assertEquals(2, r.code());
        List<String> err = r.err().lines().toList();
        assertEquals(307 - 4 + 4 + 1, err.size(), r.err()); // 303 missing + 4 mismatched, the error line
        assertTrue(err.contains("mismatched rpn.head.conv.0.0.weight: model F32[256, 256, 3, 3], file F32[2, 2, 3, 3] "
                + "(the file's rpn.head.conv.weight)"), r.err());
        assertTrue(err.contains("missing backbone.body.layer1.0.conv1.weight"), r.err());
        assertTrue(err.get(err.size() - 1).startsWith("rcnn4j: error: model: " + f + " does not fit "
                + "maskrcnn_resnet50_fpn: 303 missing, 0 unexpected, 4 mismatched keys (listed above); the file has "
                + "3 classes: try --num-classes 3"), err.get(err.size() - 1));
    }

    @Test
    void unreadableFilesAreOneLineErrors() throws Exception {
        Path missing = tmp.resolve("nope.pth");
        Cli.run("model", "vgg16", "--weights", missing.toString()).assertUsageError("no such file", "nope.pth");
        Path cut = tmp.resolve("cut.pth");
        byte[] all = Files.readAllBytes(Path.of(ModelWeightsCommandTest.class
                .getResource("/fixtures/pth_state_dict.zip.pth").toURI()));
        Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
        Cli.run("model", "vgg16", "--weights", cut.toString()).assertUsageError(cut.toString(), "zip");
        Path evil = Path.of(ModelWeightsCommandTest.class.getResource("/fixtures/pth_evil.legacy.pth").toURI());
        Cli.run("model", "vgg16", "--weights", evil.toString()).assertUsageError("forbidden global 'posix.system'");
        Cli.run("model", "vgg16", "--weights").assertUsageError("--weights needs a value");
        Path text = Files.writeString(tmp.resolve("notes.pth"), "not weights");
        Cli.run("model", "vgg16", "--weights", text.toString()).assertUsageError("not a PyTorch file");
        Path st = Files.writeString(tmp.resolve("notes.safetensors"), "not weights");
        Cli.run("model", "vgg16", "--weights", st.toString()).assertUsageError("not a safetensors file");
        // a file with an old and a new name for one entry is ambiguous
        Path both = Cli.write(tmp.resolve("both.safetensors"), "rpn.head.conv.weight", Tensor.zeros(
                org.rcnn4j.tensor.DType.F32, 1), "rpn.head.conv.0.0.weight", Tensor.zeros(org.rcnn4j.tensor.DType.F32, 1));
        Cli.run("model", "fasterrcnn_resnet50_fpn", "--weights", both.toString()).assertUsageError("both");
    }
}
