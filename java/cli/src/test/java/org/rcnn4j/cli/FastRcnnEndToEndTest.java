package org.rcnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny {@code rcnn4j fast-rcnn} run goes through every stage (proposals, training, evaluation, chance baseline)
 * and writes every output. Beating chance needs a few hundred steps on a few hundred scenes (minutes, not a unit
 * test): the README records what the default run gets; {@code FastRcnnStepsTest} shows the loss falling.
 */
class FastRcnnEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void tinyRunWritesEveryOutputAndEndsWithTheMachineReadableLines() throws IOException {
        Path out = dir.resolve("run");
        Cli.Result r = Cli.run("fast-rcnn", "--train-scenes", "6", "--test-scenes", "3", "--steps", "4",
                "--batch", "2", "--seed", "1", "--out", out.toString()).assertOk();
        String[] lines = r.out().strip().split("\n");
        Matcher ap = Pattern.compile("box AP=(\\d\\.\\d+) AP50=(\\d\\.\\d+) AP75=(\\d\\.\\d+)")
                .matcher(lines[lines.length - 2]);
        assertTrue(ap.matches(), "second-to-last line: " + lines[lines.length - 2]);
        assertTrue(lines[lines.length - 1].matches("time per image: \\d+ ms .*"), lines[lines.length - 1]);
        Matcher chance = Pattern.compile("chance baseline .*: box AP=(\\d\\.\\d+) AP50=(\\d\\.\\d+)")
                .matcher(r.out());
        assertTrue(chance.find(), r.out());
        assertTrue(r.out().contains("proposals: selective search (fast) on 6 training scenes"), r.out());
        assertTrue(r.out().contains("training: 4 steps of 2 scenes"), r.out());
        for (String f : new String[] {"checkpoint.safetensors", "train.log", "training-curve.png", "detections-00.png",
            "results.json", "summary.txt"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        assertTrue(Files.readAllLines(out.resolve("train.log")).size() == 4);
        assertTrue(Files.readString(out.resolve("summary.txt")).contains("IoU metric: bbox"));
        assertTrue(Files.readString(out.resolve("results.json")).startsWith("["));
    }
}
