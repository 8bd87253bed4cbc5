package org.rcnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FastRcnnCommandTest {
    @Test
    void helpNamesTheOptionsAndTheOutputLines() {
        Cli.Result r = Cli.run("fast-rcnn", "--help").assertOk();
        for (String s : new String[] {"--train-scenes", "--test-scenes", "--steps", "--device", "--seed", "--out",
            "--stride 8|16", "box AP=", "time per image"}) {
            assertTrue(r.out().contains(s), () -> "help should mention " + s + ": " + r.out());
        }
        assertTrue(Cli.run("--help").out().contains("fast-rcnn"));
    }

    @Test
    void badUsageIsOneLineAndExitTwo() {
        Cli.run("fast-rcnn", "--steps", "0").assertUsageError("--steps must be in");
        Cli.run("fast-rcnn", "--steps", "many").assertUsageError("--steps must be an integer");
        Cli.run("fast-rcnn", "--train-scenes").assertUsageError("--train-scenes needs a value");
        Cli.run("fast-rcnn", "--test-scenes=-3").assertUsageError("--test-scenes must be in");
        Cli.run("fast-rcnn", "--stride", "12").assertUsageError("--stride must be 8 or 16");
        Cli.run("fast-rcnn", "--stride", "4").assertUsageError("--stride must be 8 or 16");
        Cli.run("fast-rcnn", "--lr", "0").assertUsageError("--lr must be in");
        Cli.run("fast-rcnn", "--device", "tpu").assertUsageError("tpu");
        Cli.run("fast-rcnn", "--out=").assertUsageError("--out needs a path");
        Cli.run("fast-rcnn", "scenes.json").assertUsageError("unexpected argument 'scenes.json'");
    }

    @Test
    void parsesEveryOption() {
        FastRcnnCommand.Options o = FastRcnnCommand.parse(java.util.List.of("--train-scenes", "7", "--test-scenes=5",
                "--steps", "9", "--batch", "3", "--lr", "0.01", "--stride", "8", "--seed", "4", "--out", "d"));
        assertEquals(new FastRcnnCommand.Options(7, 5, 9, 3, 0.01, 8, "cpu", 4, java.nio.file.Path.of("d"), false), o);
    }
}
