package org.rcnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The demo's options: bad values are one-line usage errors before any work; the help names the defaults. */
class DemoArgsTest {
    @Test
    void badRehearsalValuesAreUsageErrors() {
        Cli.run("demo", "--rehearsal-items", "-1").assertUsageError("--rehearsal-items");
        Cli.run("demo", "--rehearsal-items", "257").assertUsageError("--rehearsal-items");
        Cli.run("demo", "--rehearsal-weight", "0").assertUsageError("--rehearsal-weight");
        Cli.run("demo", "--rehearsal-weight", "NaN").assertUsageError("--rehearsal-weight");
    }

    @Test
    void badTrainableStagesAreUsageErrors() {
        Cli.run("demo", "--trainable-stages", "5").assertUsageError("--trainable-stages");
        Cli.run("demo", "--trainable-stages", "-1").assertUsageError("--trainable-stages");
        Cli.run("demo", "--trainable-stages", "all").assertUsageError("--trainable-stages");
    }

    @Test
    void helpGivesTheRehearsalAndFreezingDefaults() {
        String help = DemoCommand.help();
        assertTrue(help.contains("--rehearsal-items N") && help.contains("default 16"), help);
        assertTrue(help.contains("--rehearsal-weight W  that loss's weight; default 0.25"), help);
        assertTrue(help.contains("backbone's last 3 layers (4: all); default 3"), help);
    }
}
