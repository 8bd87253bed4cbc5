package org.rcnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.data.FashionMnist;
import org.rcnn4j.detection.GeneralizedRcnn;
import org.rcnn4j.detection.ModelFile;
import org.rcnn4j.detection.ModelOptions;
import org.rcnn4j.detection.Models;
import org.rcnn4j.io.Safetensors;

/**
 * detect and eval on weights that do not name their model (a state dict, as torchvision's .pth files are): with
 * --model and --classes they give what the same weights give as an rcnn4j model file; without --model, with a
 * class list that does not fit, or with a --model that contradicts the file, one error line and exit code 2.
 */
class DetectWeightsCommandTest {
    @TempDir
    static Path dir;
    static Path modelFile;
    static Path stateDict;
    static Path classes;
    static Path scenes;

    @BeforeAll
    static void files() throws Exception {
        GeneralizedRcnn m = Models.maskrcnnSmall(ModelOptions.defaults());
        m.initialize(5);
        modelFile = dir.resolve("model.safetensors");
        ModelFile.write(modelFile, Models.MASKRCNN_SMALL, m, FashionMnist.CLASS_NAMES);
        stateDict = dir.resolve("state_dict.safetensors");
        Safetensors.write(stateDict, m.stateDict(), Map.of());
        classes = dir.resolve("classes.txt");
        Files.writeString(classes, String.join("\n", FashionMnist.CLASS_NAMES) + "\n", StandardCharsets.UTF_8);
        scenes = dir.resolve("val");
        Cli.run("scenes", "--count", "2", "--out", scenes.toString(), "--seed", "5", "--split", "test").assertOk();
    }

    private static String detections(String... weightArgs) throws Exception {
        Path out = Files.createTempDirectory(dir, "detect");
        String[] args = new String[4 + weightArgs.length + 2];
        args[0] = "detect";
        args[1] = scenes.resolve("images/000000.png").toString();
        args[2] = "--out";
        args[3] = out.toString();
        System.arraycopy(weightArgs, 0, args, 4, weightArgs.length);
        args[args.length - 2] = "--box-score-thresh";
        args[args.length - 1] = "0.01";
        Cli.run(args).assertOk();
        return Files.readString(out.resolve("detections.json"));
    }

    @Test
    void aStateDictWithItsModelNamedDetectsAsTheModelFile() throws Exception {
        String fromModelFile = detections("--weights", modelFile.toString());
        String fromStateDict = detections("--weights", stateDict.toString(), "--model", "maskrcnn_small",
                "--classes", classes.toString());
        assertEquals(fromModelFile, fromStateDict);
        assertEquals(fromModelFile, detections("--weights", modelFile.toString(), "--model", "maskrcnn_small"));
    }

    @Test
    void evalTakesTheSameOptions() {
        String a = Cli.run("eval", "--weights", modelFile.toString(), "--data", scenes.toString()).assertOk().out();
        String b = Cli.run("eval", "--weights", stateDict.toString(), "--model", "maskrcnn_small", "--classes",
                classes.toString(), "--data", scenes.toString()).assertOk().out();
        assertEquals(a, b);
    }

    @Test
    void whatDoesNotFitIsOneErrorLine() {
        String image = scenes.resolve("images/000000.png").toString();
        String out = dir.resolve("bad").toString();
        Cli.run("detect", image, "--out", out, "--weights", stateDict.toString())
                .assertUsageError("does not name its model", "--model");
        Cli.run("detect", image, "--out", out, "--weights", stateDict.toString(), "--model", "maskrcnn_small")
                .assertUsageError("does not fit", "and ");
        Cli.run("detect", image, "--out", out, "--weights", modelFile.toString(), "--model", "fasterrcnn_small")
                .assertUsageError("holds a maskrcnn_small, not a fasterrcnn_small");
        Cli.run("detect", image, "--out", out, "--weights", stateDict.toString(), "--model", "vgg16")
                .assertUsageError("not a detector");
        Cli.run("eval", "--data", scenes.toString(), "--weights", stateDict.toString())
                .assertUsageError("does not name its model");
    }
}
