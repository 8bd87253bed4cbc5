package org.rcnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.io.Json;

class ProposalsCommandTest {
    @TempDir
    Path dir;

    /** A 64 x 48 image: a red square [8, 6, 30, 28) on blue. */
    private Path image(String name, String format) throws IOException {
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                boolean in = x >= 8 && x < 30 && y >= 6 && y < 28;
                img.setRGB(x, y, in ? 0xe01010 : 0x1020c0);
            }
        }
        Path p = dir.resolve(name);
        assertTrue(ImageIO.write(img, format, p.toFile()));
        return p;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> images(Path json) throws IOException {
        Map<String, Object> root = (Map<String, Object>) Json.parse(Files.readString(json));
        assertEquals(List.of("images"), List.copyOf(root.keySet()));
        return (List<Map<String, Object>>) root.get("images");
    }

    @Test
    @SuppressWarnings("unchecked")
    void writesOneEntryPerImageWithBoxes() throws IOException {
        Path a = image("a.png", "png");
        Path b = image("b.jpg", "jpeg");
        Path out = dir.resolve("sub/out.json");
        Cli.Result r = Cli.run("proposals", a.toString(), b.toString(), "--out", out.toString()).assertOk();
        String[] lines = r.out().strip().split("\n");
        assertEquals(2, lines.length, r.out());
        assertTrue(lines[0].startsWith(a + ": 64x48, ") && lines[0].contains(" ms"), lines[0]);
        List<Map<String, Object>> imgs = images(out);
        assertEquals(2, imgs.size());
        Map<String, Object> first = imgs.get(0);
        assertEquals(List.of("file", "width", "height", "proposals"), List.copyOf(first.keySet()));
        assertEquals(a.toString(), first.get("file"));
        assertEquals(64L, first.get("width"));
        assertEquals(48L, first.get("height"));
        List<List<Long>> boxes = (List<List<Long>>) first.get("proposals");
        assertFalse(boxes.isEmpty());
        for (List<Long> box : boxes) {
            assertEquals(4, box.size());
            assertTrue(box.get(0) >= 0 && box.get(0) < box.get(2) && box.get(2) <= 64, box.toString());
            assertTrue(box.get(1) >= 0 && box.get(1) < box.get(3) && box.get(3) <= 48, box.toString());
        }
        assertTrue(boxes.contains(List.of(8L, 6L, 30L, 28L)), boxes.toString());
        assertTrue(boxes.contains(List.of(0L, 0L, 64L, 48L)), boxes.toString());
        try (var files = Files.list(out.getParent())) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }

    /** The proposals of `proposals IMAGE OPTIONS... --out` for one image, written to a fresh file. */
    @SuppressWarnings("unchecked")
    private List<Object> proposals(Path image, String... options) throws IOException {
        Path out = Files.createTempFile(dir, "proposals", ".json");
        List<String> args = new ArrayList<>(List.of("proposals", image.toString()));
        args.addAll(List.of(options));
        args.addAll(List.of("--out", out.toString()));
        Cli.run(args.toArray(new String[0])).assertOk();
        return (List<Object>) images(out).get(0).get("proposals");
    }

    @Test
    void topKeepsTheBestRankedPrefixAndIsReproducible() throws IOException {
        Path a = image("a.png", "png");
        List<Object> allBoxes = proposals(a, "--mode", "quality");
        List<Object> topBoxes = proposals(a, "--mode=quality", "--top", "3");
        assertTrue(allBoxes.size() > 3, allBoxes.toString());
        assertEquals(allBoxes.subList(0, 3), topBoxes);
    }

    @Test
    void rankingsOrderTheSameBoxes() throws IOException {
        Path a = image("a.png", "png");
        List<Object> diverse = proposals(a, "--mode", "quality", "--ranking", "diverse");
        List<Object> paper = proposals(a, "--mode", "quality", "--ranking=paper");
        assertEquals(diverse, proposals(a, "--mode", "quality"), "diverse is the default");
        assertEquals(new HashSet<>(paper), new HashSet<>(diverse));
        Cli.run("proposals", a.toString(), "--ranking", "best", "--out", dir.resolve("x.json").toString())
                .assertUsageError("ranking", "best");
    }

    @Test
    void errorsAreOneLineWithExitCode2() throws IOException {
        Path a = image("a.png", "png");
        Path out = dir.resolve("o.json");
        Cli.run("proposals", "--out", out.toString()).assertUsageError("no image");
        Cli.run("proposals", a.toString()).assertUsageError("--out");
        Cli.run("proposals", a.toString(), "--mode", "slow", "--out", out.toString()).assertUsageError("mode", "slow");
        Cli.run("proposals", a.toString(), "--top", "0", "--out", out.toString()).assertUsageError("--top");
        Cli.run("proposals", a.toString(), "--top", "x", "--out", out.toString()).assertUsageError("--top");
        Cli.run("proposals", a.toString(), "--frob", "--out", out.toString()).assertUsageError("--frob");
        Cli.run("proposals", a.toString(), "--out").assertUsageError("--out needs a value");
        Cli.run("proposals", dir.resolve("missing.png").toString(), "--out", out.toString())
                .assertUsageError("missing.png");
        Path junk = dir.resolve("junk.png");
        Files.writeString(junk, "not an image");
        Cli.run("proposals", junk.toString(), "--out", out.toString()).assertUsageError("cannot read image");
        assertFalse(Files.exists(out), "nothing written on error");
    }

    @Test
    void helpDescribesTheCommand() {
        Cli.Result r = Cli.run("proposals", "--help").assertOk();
        assertTrue(r.out().contains("--mode fast"), r.out());
        assertTrue(r.out().contains("diverse (default)") && r.out().contains("IoU above 0.65"), r.out());
        assertTrue(Cli.run("--help").out().contains("proposals IMAGE"));
    }
}
