package org.rcnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The rcnn command's help and usage errors (the training run itself is RcnnPipelineTest's job). */
class RcnnCommandTest {
    @Test
    void helpDescribesThePipelineAndTheResultLines() {
        Cli.Result r = Cli.run("rcnn", "--help").assertOk();
        assertTrue(r.out().startsWith("usage: rcnn4j rcnn"), r.out());
        for (String s : new String[] {"--train-scenes", "--test-scenes", "--seed", "--out", "hard-negative",
            "box AP=0.xxx AP50=0.xxx AP75=0.xxx", "time per image"}) {
            assertTrue(r.out().contains(s), () -> "help mentions " + s + ": " + r.out());
        }
        assertTrue(Cli.run("--help").assertOk().out().contains("rcnn [--train-scenes N]"), "main help lists rcnn");
    }

    @Test
    void badArgumentsAreOneLineUsageErrors() {
        Cli.run("rcnn", "--train-scenes", "0").assertUsageError("rcnn: --train-scenes");
        Cli.run("rcnn", "--test-scenes=x").assertUsageError("rcnn: --test-scenes", "'x'");
        Cli.run("rcnn", "--seed", "1.5").assertUsageError("rcnn: --seed");
        Cli.run("rcnn", "--out").assertUsageError("rcnn: --out needs a value");
        Cli.run("rcnn", "--out=").assertUsageError("rcnn: --out needs a path");
        Cli.run("rcnn", "--frobnicate").assertUsageError("rcnn: unknown option '--frobnicate'");
        Cli.run("rcnn", "extra").assertUsageError("unexpected argument 'extra'");
    }
}
