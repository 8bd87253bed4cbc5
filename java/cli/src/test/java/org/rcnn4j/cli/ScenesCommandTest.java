package org.rcnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.io.Json;

class ScenesCommandTest {
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void writesACocoDatasetWithAPreview() throws IOException {
        Path out = dir.resolve("scenes");
        Cli.Result r = Cli.run("scenes", "--count", "3", "--seed", "5", "--split", "test", "--size", "64",
                "--out", out.toString(), "--preview").assertOk();
        assertTrue(r.out().contains("wrote 3 scenes"), r.out());
        Map<String, Object> root = (Map<String, Object>) Json.parse(Files.readString(out.resolve("annotations.json")));
        assertEquals(3, ((List<Object>) root.get("images")).size());
        assertEquals(10, ((List<Object>) root.get("categories")).size());
        assertTrue(Files.isRegularFile(out.resolve("images/000002.png")));
        assertTrue(Files.size(out.resolve("preview.png")) > 1000);
    }

    @Test
    void sameSeedSameAnnotations() throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Cli.run("scenes", "--count=4", "--seed=9", "--out=" + a).assertOk();
        Cli.run("scenes", "--count=4", "--seed=9", "--out=" + b).assertOk();
        assertEquals(Files.readString(a.resolve("annotations.json")), Files.readString(b.resolve("annotations.json")));
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(a.resolve("images/000003.png")),
                Files.readAllBytes(b.resolve("images/000003.png"))));
    }

    @Test
    void badUsageIsOneLineAndExitTwo() throws IOException {
        Cli.run("scenes", "--out", dir.resolve("x").toString()).assertUsageError("--count is required");
        Cli.run("scenes", "--count", "2").assertUsageError("--out is required");
        Cli.run("scenes", "--count", "0", "--out", "x").assertUsageError("--count must be in");
        Cli.run("scenes", "--count", "two", "--out", "x").assertUsageError("must be an integer");
        Cli.run("scenes", "--count", "2", "--split", "val", "--out", "x").assertUsageError("train or test");
        Cli.run("scenes", "--count", "2", "--size", "8", "--out", "x").assertUsageError("--size");
        Cli.run("scenes", "--count", "2", "--bogus").assertUsageError("unknown option '--bogus'");
        Path taken = Files.createDirectories(dir.resolve("taken"));
        Files.writeString(taken.resolve("f"), "x");
        Cli.run("scenes", "--count", "2", "--out", taken.toString()).assertUsageError("not empty");
        assertFalse(Files.exists(dir.resolve("x")));
    }

    @Test
    void helpIsListed() {
        assertTrue(Cli.run("scenes", "--help").assertOk().out().contains("usage: rcnn4j scenes"));
        assertTrue(Cli.run("--help").assertOk().out().contains("scenes --count N"));
    }
}
