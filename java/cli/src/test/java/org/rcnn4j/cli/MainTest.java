package org.rcnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void helpListsTheCommands() {
        Cli.Result r = Cli.run("--help").assertOk();
        for (String c : new String[] {"op NAME", "example", "devices", "--version"}) {
            assertTrue(r.out().contains(c), () -> "help mentions " + c + ": " + r.out());
        }
    }

    @Test
    void noArgumentsPrintsUsageAndFails() {
        Cli.Result r = Cli.run();
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("usage: rcnn4j"), r.err());
    }

    @Test
    void versionNamesTheProgram() {
        Cli.Result r = Cli.run("--version").assertOk();
        assertTrue(r.out().startsWith("rcnn4j "), r.out());
    }

    @Test
    void unknownCommandIsAUsageError() {
        Cli.run("frobnicate").assertUsageError("unknown command 'frobnicate'", "demo, train, detect, eval, "
                + "op, example, devices, model, scenes, proposals, classify-localize, rcnn");
    }

    /** The commands are read from the unknown-command message, so a new command cannot miss this check. */
    @Test
    void everyCommandAnswersHelpWithItsUsage() {
        String err = Cli.run("frobnicate").err();
        String list = err.substring(err.indexOf("(commands: ") + "(commands: ".length(), err.indexOf("; see"));
        String[] commands = list.split(", ");
        assertTrue(commands.length >= 15, err);
        for (String c : commands) {
            Cli.Result r = Cli.run(c, "--help").assertOk();
            assertTrue(r.out().startsWith("usage: rcnn4j " + c), () -> c + " --help: " + r.out());
        }
    }

    @Test
    void benchDetectorRejectsABadValueInOneLine() {
        Cli.run("bench-detector", "--repeat", "zero").assertUsageError("bench-detector", "--repeat");
    }

    @Test
    void devicesReportsEveryBackendAndTheCpuWorks() {
        Cli.Result r = Cli.run("devices").assertOk();
        assertTrue(r.out().matches("(?s).*\\ncpu\\s+available.*"), r.out());
        assertTrue(r.out().contains("cuda "), r.out());
        assertTrue(r.out().contains("cuda-emu"), r.out());
    }

    @Test
    void devicesTakesNoArguments() {
        Cli.run("devices", "extra").assertUsageError("unexpected argument 'extra'");
    }

    @Test
    void opHelpListsEveryOpWithItsTensorsAndKeys() {
        Cli.Result r = Cli.run("op", "--help").assertOk();
        for (OpSpec s : Ops.all()) {
            assertTrue(r.out().contains("  " + s.name() + ": "), () -> "op --help lists " + s.name());
            for (ParamSpec p : s.params()) {
                assertTrue(r.out().contains(p.key()), () -> s.name() + " lists --set " + p.key());
            }
        }
        assertTrue(r.out().contains("iou_threshold (required)"), r.out());
        assertTrue(r.out().contains("sampling_ratio=-1"), r.out());
    }

    @Test
    void helpOfOneOp() {
        Cli.Result r = Cli.run("op", "roi_align", "--help").assertOk();
        assertTrue(r.out().contains("usage: rcnn4j op roi_align"), r.out());
        assertTrue(r.out().contains("grad_output"), r.out());
        assertTrue(r.out().contains("aligned"), r.out());
    }

    @Test
    void everyRequiredOpOfTheBriefExists() {
        for (String op : new String[] {"nms", "batched_nms", "box_iou", "roi_align", "roi_pool", "decode_boxes",
                "encode_boxes", "anchors", "paste_masks", "conv2d", "clip_boxes_to_image", "remove_small_boxes",
                "matmul"}) {
            assertTrue(Ops.get(op) != null, op);
        }
    }
}
