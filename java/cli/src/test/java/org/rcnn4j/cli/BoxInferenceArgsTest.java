package org.rcnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.detection.GeneralizedRcnn;
import org.rcnn4j.detection.ModelOptions;
import org.rcnn4j.detection.Models;
import org.rcnn4j.io.json.Json;

/** detect and eval take the box head's inference settings (--box-score-thresh, ..., --box-refinements). */
class BoxInferenceArgsTest {
    @TempDir
    static Path dir;
    static Path weights;
    static Path scenes;

    @BeforeAll
    static void randomModelAndScenes() throws IOException {
        weights = RandomDetectorFiles.modelFile(dir, 3);
        scenes = RandomDetectorFiles.scenes(dir, 2, 4);
    }

    @Test
    void detectKeepsWhatTheThresholdsSay() throws IOException {
        Path image = scenes.resolve("images/000000.png");
        // random heads score every class near 1/11: threshold 0 keeps the cap, threshold 0.9 nothing
        Path all = dir.resolve("all");
        Cli.run("detect", image.toString(), "--weights", weights.toString(), "--out", all.toString(),
                "--box-score-thresh", "0", "--box-detections-per-img", "7").assertOk();
        assertEquals(7, detections(all.resolve("detections.json")));
        Path none = dir.resolve("none");
        Cli.run("detect", image.toString(), "--weights", weights.toString(), "--out", none.toString(),
                "--box-score-thresh=0.9").assertOk();
        assertEquals(0, detections(none.resolve("detections.json")));
    }

    @Test
    void evalTakesTheOptions() {
        Cli.Result r = Cli.run("eval", "--weights", weights.toString(), "--data", scenes.toString(),
                "--box-score-thresh", "0", "--box-nms-thresh", "0.3", "--box-detections-per-img", "5").assertOk();
        assertTrue(r.out().contains("box AP="), r.out());
    }

    @Test
    void badValuesAreUsageErrors() {
        Cli.run("eval", "--weights", weights.toString(), "--data", scenes.toString(), "--box-score-thresh", "2")
                .assertUsageError("--box-score-thresh");
        Cli.run("detect", "x.png", "--weights", weights.toString(), "--out", dir.resolve("bad").toString(),
                "--box-detections-per-img", "0").assertUsageError("--box-detections-per-img");
        assertTrue(DetectCommand.help().contains("--box-nms-thresh"));
        assertTrue(DetectCommand.help().contains("default 0.05"), DetectCommand.help());
        assertTrue(DetectCommand.help().contains("default 0.5 (the small models: 0.4)"), DetectCommand.help());
        assertTrue(ModelEvalCommand.help().contains("--box-detections-per-img"));
    }

    @Test
    void refinementsReachTheModel() throws IOException {
        // the small models refine once by default: no option and --box-refinements 1 detect the same
        String byDefault = detectAll("default");
        assertEquals(byDefault, detectAll("one", "--box-refinements", "1"));
        assertNotEquals(byDefault, detectAll("none", "--box-refinements", "0"));
        assertNotEquals(byDefault, detectAll("two", "--box-refinements", "2"));
        Cli.run("eval", "--weights", weights.toString(), "--data", scenes.toString(), "--box-refinements", "9")
                .assertUsageError("--box-refinements");
        Cli.run("detect", "x.png", "--weights", weights.toString(), "--out", dir.resolve("bad").toString(),
                "--box-refinements", "-1").assertUsageError("--box-refinements");
        assertTrue(DetectCommand.help().contains("default 0 (the small models: 1)"), DetectCommand.help());
        assertTrue(ModelEvalCommand.help().contains("--box-refinements"));
    }

    private static String detectAll(String name, String... options) throws IOException {
        Path out = dir.resolve("refine-" + name);
        List<String> args = new java.util.ArrayList<>(List.of("detect", scenes.resolve("images/000000.png").toString(),
                "--weights", weights.toString(), "--out", out.toString(), "--box-score-thresh", "0"));
        args.addAll(List.of(options));
        Cli.run(args.toArray(String[]::new)).assertOk();
        return Files.readString(out.resolve("detections.json"));
    }

    @Test
    void setBoxInferenceChecksItsArguments() {
        GeneralizedRcnn m = Models.fasterrcnnSmall(ModelOptions.defaults());
        assertEquals(0.05f, m.config().boxScoreThresh());
        m.setBoxInference(0.2f, 0.3f, 9);
        assertEquals(0.2f, m.config().boxScoreThresh());
        assertEquals(0.3f, m.config().boxNmsThresh());
        assertEquals(9, m.config().boxDetectionsPerImg());
        assertEquals(Models.fasterrcnnSmall(ModelOptions.defaults()).config().boxFgIouThresh(),
                m.config().boxFgIouThresh());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.setBoxInference(-0.1f, 0.5f, 100));
        assertTrue(e.getMessage().contains("box_score_thresh"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.setBoxInference(0.1f, 0.5f, 0));
        assertTrue(e.getMessage().contains("box_detections_per_img"), e.getMessage());
    }

    private static int detections(Path json) throws IOException {
        return ((List<?>) Json.parse(Files.readString(json))).size();
    }
}
