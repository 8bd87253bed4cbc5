package org.rcnn4j.classic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.cli.Main;

class ClassifyLocalizeCommandTest {
    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.run(args, o, e);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertUsageError(Run r, String fragment) {
        assertEquals(2, r.code(), () -> "exit code; stderr: " + r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, () -> "one stderr line: " + r.err());
        assertTrue(lines[0].startsWith("rcnn4j: error: classify-localize") || lines[0].startsWith("rcnn4j: error: --"),
                r.err());
        assertTrue(r.err().contains(fragment), () -> "mentions '" + fragment + "': " + r.err());
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        assertUsageError(run("classify-localize", "--alpha", "1.5"), "--alpha");
        assertUsageError(run("classify-localize", "--alpha", "x"), "--alpha");
        assertUsageError(run("classify-localize", "--epochs", "0"), "--epochs");
        assertUsageError(run("classify-localize", "--train", "-3"), "--train");
        assertUsageError(run("classify-localize", "--size", "30"), "--size");
        assertUsageError(run("classify-localize", "--device", "tpu"), "tpu");
        assertUsageError(run("classify-localize", "--seed"), "--seed");
        assertUsageError(run("classify-localize", "--bogus"), "--bogus");
    }

    @Test
    void helpPrintsUsage() {
        Run r = run("classify-localize", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("usage: rcnn4j classify-localize"), r.out());
    }

    @Test
    void tinyRunWritesPicturesAndEndsWithTheNumbers(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        Run r = run("classify-localize", "--train", "32", "--test", "16", "--epochs", "1", "--size", "32", "--out",
                out.toString());
        assertEquals(0, r.code(), () -> "stderr: " + r.err());
        String[] lines = r.out().strip().split("\n");
        assertTrue(lines[lines.length - 1].matches("accuracy=[01]\\.\\d{3} mean_iou=[01]\\.\\d{3}"),
                lines[lines.length - 1]);
        assertTrue(Files.size(out.resolve("curve.png")) > 0);
        assertTrue(Files.size(out.resolve("examples.png")) > 0);
    }
}
