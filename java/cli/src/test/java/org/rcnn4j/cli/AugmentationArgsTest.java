package org.rcnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.detection.TestTimeAugmentation;
import org.rcnn4j.io.json.Json;

/** detect, eval and demo take test-time augmentation (--tta, --tta-scales) and check it before anything runs. */
class AugmentationArgsTest {
    @TempDir
    static Path dir;
    static Path weights;
    static Path scenes;

    @BeforeAll
    static void randomModelAndScenes() throws IOException {
        weights = RandomDetectorFiles.modelFile(dir, 5);
        scenes = RandomDetectorFiles.scenes(dir, 2, 6);
    }

    @Test
    void detectFusesTheViews() throws IOException {
        Path image = scenes.resolve("images/000000.png");
        Path plain = dir.resolve("plain");
        Path tta = dir.resolve("tta");
        Cli.run("detect", image.toString(), "--weights", weights.toString(), "--out", plain.toString(),
                "--box-detections-per-img", "9").assertOk();
        Cli.run("detect", image.toString(), "--weights", weights.toString(), "--out", tta.toString(),
                "--box-detections-per-img", "9", "--tta", "--tta-scales", "1,1.25").assertOk();
        List<Double> a = scores(plain.resolve("detections.json"));
        List<Double> b = scores(tta.resolve("detections.json"));
        assertEquals(9, a.size());
        assertEquals(9, b.size());
        // a fused score is a sum over 4 views divided by 4: the random heads' near-equal scores all move
        assertNotEquals(a, b);
    }

    @Test
    void evalSaysWhatItRuns() {
        Cli.Result r = Cli.run("eval", "--weights", weights.toString(), "--data", scenes.toString(), "--tta")
                .assertOk();
        assertTrue(r.out().contains("box AP="), r.out());
        assertTrue(r.err().contains("test-time augmentation: each image and its mirror at scale 1, 2 views fused"),
                r.err());
    }

    @Test
    void badScalesAreUsageErrors() {
        for (String bad : new String[] {"0", "abc", "1,1", "", "1,,2", "5", "-1"}) {
            Cli.run("eval", "--weights", weights.toString(), "--data", scenes.toString(), "--tta-scales", bad)
                    .assertUsageError("--tta-scales");
            Cli.run("detect", "x.png", "--weights", weights.toString(), "--out", dir.resolve("bad").toString(),
                    "--tta-scales", bad).assertUsageError("--tta-scales");
            Cli.run("demo", "--out", dir.resolve("bad-demo").toString(), "--tta-scales", bad)
                    .assertUsageError("--tta-scales");
        }
        Cli.run("detect", "x.png", "--weights", weights.toString(), "--out", dir.resolve("bad").toString(),
                "--tta=1").assertUsageError("--tta");
        assertTrue(DemoCommand.help().contains("--tta-scales"));
        assertTrue(DetectCommand.help().contains("--tta-scales"));
        assertTrue(ModelEvalCommand.help().contains("--tta"));
    }

    @Test
    void describeNamesTheViews() {
        assertEquals("each image and its mirror at scales 1 and 1.25, 4 views fused",
                AugmentationArgs.describe(TestTimeAugmentation.of(true, 1, 1.25)));
        assertEquals("each image at scales 0.875, 1 and 1.25, 3 views fused",
                AugmentationArgs.describe(TestTimeAugmentation.of(false, 0.875, 1, 1.25)));
        assertEquals(List.of(1.0, 1.25), AugmentationArgs.flipsAt("demo", " 1, 1.25").scales());
    }

    private static List<Double> scores(Path json) throws IOException {
        List<Double> out = new ArrayList<>();
        for (Object d : (List<?>) Json.parse(Files.readString(json))) {
            out.add(((Number) ((java.util.Map<?, ?>) d).get("score")).doubleValue());
        }
        return out;
    }
}
