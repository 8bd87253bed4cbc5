package org.rcnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.testing.CudaTestSupport;

/** detect --stats prints, per image, what its detect() cost the device. */
class DetectStatsTest {
    private static final Pattern LINE = Pattern.compile(
            "(?m)^device: syncs=(\\d+) to_host_bytes=(\\d+) to_device_bytes=(\\d+)$");

    @TempDir
    static Path dir;
    static Path weights;
    static Path scenes;

    @BeforeAll
    static void randomModelAndScenes() throws IOException {
        weights = RandomDetectorFiles.modelFile(dir, 3);
        scenes = RandomDetectorFiles.scenes(dir, 2, 4);
    }

    private static List<long[]> stats(String device) {
        Cli.Result r = Cli.run("detect", scenes.resolve("images/000000.png").toString(),
                scenes.resolve("images/000001.png").toString(), "--weights", weights.toString(), "--out",
                dir.resolve(device).toString(), "--device", device, "--box-score-thresh", "0", "--stats").assertOk();
        List<long[]> out = new ArrayList<>();
        Matcher m = LINE.matcher(r.out());
        while (m.find()) {
            out.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))});
        }
        assertEquals(2, out.size(), "one stats line per image:\n" + r.out());
        return out;
    }

    @Test
    void onTheEmulatorEachImageCostsAtMostThreeSyncs() {
        CudaTestSupport.backend();
        for (long[] s : stats("cuda-emu")) {
            assertTrue(s[0] >= 1 && s[0] <= 3, "syncs " + s[0]);
            assertTrue(s[1] > 0 && s[2] > 0, "bytes both ways: " + s[1] + ", " + s[2]);
        }
    }

    @Test
    void onTheCpuEverythingIsZero() {
        for (long[] s : stats("cpu")) {
            assertEquals(0, s[0] + s[1] + s[2]);
        }
    }
}
