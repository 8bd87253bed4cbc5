package org.rcnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rcnn4j.io.Safetensors;
import org.rcnn4j.tensor.Tensor;

/** Runs the CLI in-process with captured streams. */
final class Cli {
    private Cli() {
    }

    record Result(int code, String out, String err) {
        /** A user error: exit code 2 and exactly one line on stderr, no stack trace. */
        Result assertUsageError(String... fragments) {
            assertEquals(2, code, () -> "exit code; stderr: " + err + " stdout: " + out);
            assertOneErrorLine();
            for (String f : fragments) {
                assertTrue(err.contains(f), () -> "stderr should mention '" + f + "': " + err);
            }
            return this;
        }

        Result assertOneErrorLine() {
            String[] lines = err.strip().split("\n");
            assertEquals(1, lines.length, () -> "one line on stderr, got: " + err);
            assertTrue(lines[0].startsWith("rcnn4j: error: "), () -> "error prefix: " + err);
            assertFalse(err.contains("\tat ") || err.contains("Exception"), () -> "no stack trace: " + err);
            return this;
        }

        Result assertOk() {
            assertEquals(0, code, () -> "exit code; stderr: " + err + " stdout: " + out);
            return this;
        }
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.run(args, o, e);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Writes tensors given as alternating name, tensor. */
    static Path write(Path file, Object... nameTensor) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < nameTensor.length; i += 2) {
            m.put((String) nameTensor[i], (Tensor) nameTensor[i + 1]);
        }
        try {
            Safetensors.write(file, m, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    static Map<String, Tensor> read(Path file) {
        try {
            return Safetensors.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
