package org.rcnn4j.cli;

import org.rcnn4j.data.FashionMnist;
import org.rcnn4j.data.FashionMnistScenes;
import org.rcnn4j.data.MaskRle;
import org.rcnn4j.data.Sample;
import org.rcnn4j.data.SceneConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.io.Json;

class CocoScenesExportTest {
    @TempDir
    Path dir;

    private static final FashionMnistScenes SCENES = new FashionMnistScenes(
            FashionMnist.bundled(FashionMnist.Split.TEST), SceneConfig.sized(64, 96), 11, 6);

    @Test
    @SuppressWarnings("unchecked")
    void roundTripsThroughTheJson() throws IOException {
        Path out = dir.resolve("coco");
        CocoScenesExport.write(SCENES, FashionMnist.CLASS_NAMES, out, null);
        Map<String, Object> root = (Map<String, Object>) Json.parse(Files.readString(out.resolve("annotations.json")));
        List<Map<String, Object>> images = (List<Map<String, Object>>) root.get("images");
        List<Map<String, Object>> anns = (List<Map<String, Object>>) root.get("annotations");
        List<Map<String, Object>> cats = (List<Map<String, Object>>) root.get("categories");
        assertEquals(10, cats.size());
        assertEquals(1L, cats.get(0).get("id"));
        assertEquals("T-shirt/top", cats.get(0).get("name"));
        assertEquals("Ankle boot", cats.get(9).get("name"));
        assertEquals(6, images.size());

        int a = 0;
        for (int i = 0; i < SCENES.size(); i++) {
            Sample s = SCENES.get(i);
            Map<String, Object> im = images.get(i);
            assertEquals((long) i + 1, im.get("id"));
            assertEquals(64L, im.get("height"));
            assertEquals(96L, im.get("width"));
            BufferedImage png = ImageIO.read(out.resolve((String) im.get("file_name")).toFile());
            assertEquals(96, png.getWidth());
            assertEquals(64, png.getHeight());
            float[] px = s.image().floats();
            int rgb = png.getRGB(10, 20);
            assertEquals(Math.round(px[20 * 96 + 10] * 255), (rgb >> 16) & 0xff, "red at (20, 10)");
            assertEquals(Math.round(px[2 * 64 * 96 + 20 * 96 + 10] * 255), rgb & 0xff, "blue at (20, 10)");
            for (int k = 0; k < s.count(); k++, a++) {
                Map<String, Object> ann = anns.get(a);
                String where = "scene " + i + " instance " + k;
                assertEquals((long) a + 1, ann.get("id"), where);
                assertEquals((long) i + 1, ann.get("image_id"), where);
                assertEquals(s.labels().longs()[k], ann.get("category_id"), where);
                assertEquals(0L, ann.get("iscrowd"), where);
                float[] b = Arrays.copyOfRange(s.boxes().floats(), 4 * k, 4 * k + 4);
                List<Object> bbox = (List<Object>) ann.get("bbox");
                assertEquals(List.of((double) b[0], (double) b[1], (double) (b[2] - b[0]), (double) (b[3] - b[1])),
                        bbox.stream().map(o -> ((Number) o).doubleValue()).toList(), where);
                Map<String, Object> seg = (Map<String, Object>) ann.get("segmentation");
                assertEquals(List.of(64L, 96L), seg.get("size"), where);
                byte[] mask = MaskRle.decode((List<Number>) seg.get("counts"), 64, 96);
                byte[] expected = Arrays.copyOfRange(s.masks().bytes(), k * 64 * 96, (k + 1) * 64 * 96);
                assertArrayEquals(expected, mask, where + ": RLE decodes to the mask");
                long area = 0;
                for (byte v : expected) {
                    area += v;
                }
                assertEquals(area, ann.get("area"), where);
            }
        }
        assertEquals(a, anns.size());
        assertTrue(a > 0);
    }

    @Test
    void refusesANonEmptyDirectoryAndLeavesNoTemporaries() throws IOException {
        Path out = Files.createDirectories(dir.resolve("taken"));
        Files.writeString(out.resolve("keep.txt"), "mine");
        IOException e = assertThrows(IOException.class,
                () -> CocoScenesExport.write(SCENES, FashionMnist.CLASS_NAMES, out, null));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        assertEquals("mine", Files.readString(out.resolve("keep.txt")));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(out), s.toList());
        }
    }

    @Test
    void aFailureLeavesNothingBehind() throws IOException {
        Path out = dir.resolve("never");
        assertThrows(IOException.class, () -> CocoScenesExport.write(SCENES, FashionMnist.CLASS_NAMES, out, d -> {
            throw new IOException("preview failed");
        }));
        assertFalse(Files.exists(out));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(0, s.count(), "no temporary directory is left");
        }
    }

    @Test
    void anEmptyDirectoryIsReplaced() throws IOException {
        Path out = Files.createDirectories(dir.resolve("empty"));
        CocoScenesExport.write(SCENES, FashionMnist.CLASS_NAMES, out, null);
        assertTrue(Files.isRegularFile(out.resolve("annotations.json")));
        assertTrue(Files.isRegularFile(out.resolve("images/000005.png")));
    }
}
