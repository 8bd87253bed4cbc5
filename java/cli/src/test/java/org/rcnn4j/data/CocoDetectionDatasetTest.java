package org.rcnn4j.data;

import org.rcnn4j.cli.CocoScenesExport;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.coco.CocoFormatException;
import org.rcnn4j.coco.MaskApi;
import org.rcnn4j.coco.Rle;

class CocoDetectionDatasetTest {
    @TempDir
    Path dir;

    private static final FashionMnistScenes SCENES = new FashionMnistScenes(
            FashionMnist.bundled(FashionMnist.Split.TEST), SceneConfig.sized(48, 64), 5, 5);

    @Test
    void readsBackAnExportOfScenes() throws IOException {
        Path out = dir.resolve("coco");
        CocoScenesExport.write(SCENES, FashionMnist.CLASS_NAMES, out, null);
        CocoDetectionDataset ds = CocoDetectionDataset.open(out);
        assertEquals(SCENES.size(), ds.size());
        assertEquals(FashionMnist.CLASS_NAMES, ds.classNames());
        int instances = 0;
        for (int i = 0; i < ds.size(); i++) {
            Sample want = SCENES.get(i);
            Sample got = ds.get(i);
            assertEquals(i + 1L, ds.imageId(i));
            assertArrayEquals(want.image().shape(), got.image().shape());
            float[] a = want.image().floats();
            float[] b = got.image().floats();
            for (int p = 0; p < a.length; p++) {
                assertEquals(Math.round(a[p] * 255) / 255f, b[p], 1e-6f, "scene " + i + " pixel " + p);
            }
            assertArrayEquals(want.boxes().shape(), got.boxes().shape(), "scene " + i);
            assertArrayEquals(want.boxes().floats(), got.boxes().floats(), "scene " + i + " boxes");
            assertArrayEquals(want.labels().longs(), got.labels().longs(), "scene " + i + " labels");
            assertArrayEquals(want.masks().shape(), got.masks().shape(), "scene " + i);
            assertArrayEquals(want.masks().bytes(), got.masks().bytes(), "scene " + i + " masks");
            instances += want.count();
        }
        assertTrue(instances > 0);
    }

    @Test
    void getIsSafeFromManyThreads() throws IOException {
        Path out = dir.resolve("coco");
        CocoScenesExport.write(SCENES, FashionMnist.CLASS_NAMES, out, null);
        CocoDetectionDataset ds = CocoDetectionDataset.open(out);
        List<Sample> serial = IntStream.range(0, ds.size()).mapToObj(ds::get).toList();
        for (int round = 0; round < 3; round++) {
            List<Sample> parallel = IntStream.range(0, 4 * ds.size()).parallel().mapToObj(i -> ds.get(i % ds.size()))
                    .toList();
            for (int i = 0; i < parallel.size(); i++) {
                Sample a = serial.get(i % ds.size());
                Sample b = parallel.get(i);
                assertArrayEquals(a.image().floats(), b.image().floats());
                assertArrayEquals(a.masks().bytes(), b.masks().bytes());
            }
        }
    }

    /** Two images: a grey PNG (id 5) and an RGBA PNG (id 2), categories 3, 7, 20 (labels 1, 2, 3). */
    private Path handMade(String annotations) throws IOException {
        BufferedImage grey = new BufferedImage(5, 4, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(1, 2, 0, 100);
        ImageIO.write(grey, "png", dir.resolve("grey.png").toFile());
        BufferedImage rgba = new BufferedImage(6, 3, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(4, 1, 0x40_0A_14_1E); // alpha 0x40 is dropped, the colour kept
        ImageIO.write(rgba, "png", dir.resolve("rgba.png").toFile());
        String json = """
            {"images": [{"id": 5, "file_name": "grey.png", "width": 5, "height": 4},
                        {"id": 2, "file_name": "rgba.png", "width": 6, "height": 3}],
             "categories": [{"id": 20, "name": "c20"}, {"id": 3, "name": "c3"}, {"id": 7, "name": "c7"}],
             "annotations": %s}
            """.formatted(annotations);
        Path f = dir.resolve("instances.json");
        Files.writeString(f, json);
        return f;
    }

    @Test
    void mapsCategoriesConvertsImagesAndRasterizesEveryKindOfSegmentation() throws IOException {
        Rle compressed = Rle.encode(new byte[] {0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 4, 5);
        double[] poly = {0.5, 0.5, 4.5, 0.5, 4.5, 2.5, 0.5, 2.5};
        Path f = handMade("""
            [{"id": 1, "image_id": 5, "category_id": 7, "bbox": [1, 1, 1, 2], "area": 2, "iscrowd": 0,
              "segmentation": {"size": [4, 5], "counts": [5, 2, 13]}},
             {"id": 2, "image_id": 5, "category_id": 20, "bbox": [1, 0, 1, 4], "area": 4, "iscrowd": 0,
              "segmentation": {"size": [4, 5], "counts": "%s"}},
             {"id": 3, "image_id": 5, "category_id": 3, "bbox": [0, 0, 5, 4], "area": 20, "iscrowd": 1,
              "segmentation": {"size": [4, 5], "counts": [0, 20]}},
             {"id": 4, "image_id": 5, "category_id": 3, "bbox": [3, 1, 0.5, 2], "area": 1, "iscrowd": 0,
              "segmentation": [[3, 1, 3.5, 1, 3.5, 3]]},
             {"id": 5, "image_id": 5, "category_id": 3, "bbox": [0.5, 0.5, 4, 2], "area": 8,
              "segmentation": [[0.5, 0.5, 4.5, 0.5, 4.5, 2.5, 0.5, 2.5]]},
             {"id": 6, "image_id": 5, "category_id": 3, "bbox": [-2, 2, 10, 5], "area": 8}]
            """.formatted(compressed.toCocoString()));
        CocoDetectionDataset ds = CocoDetectionDataset.open(f, dir);
        assertEquals(List.of("c3", "c7", "c20"), ds.classNames());
        assertEquals(2, ds.labels().label(7));
        assertEquals(20, ds.labels().categoryId(3));
        assertEquals(-1, ds.labels().label(4));
        assertEquals(2, ds.size());
        assertEquals(2, ds.imageId(0), "images in ascending id order");
        assertEquals(5, ds.imageId(1));

        Sample empty = ds.get(0);
        assertEquals(0, empty.count(), "an image without annotations has empty targets");
        assertArrayEquals(new int[] {0, 4}, empty.boxes().shape());
        assertArrayEquals(new int[] {0, 3, 6}, empty.masks().shape());
        float[] px = empty.image().floats();
        assertEquals(10 / 255f, px[1 * 6 + 4], 1e-7f, "red of the RGBA pixel");
        assertEquals(20 / 255f, px[18 + 1 * 6 + 4], 1e-7f, "green");
        assertEquals(30 / 255f, px[36 + 1 * 6 + 4], 1e-7f, "blue");

        Sample s = ds.get(1);
        float[] g = s.image().floats();
        for (int c = 0; c < 3; c++) {
            assertEquals(100 / 255f, g[c * 20 + 2 * 5 + 1], 1e-7f, "grey value kept in channel " + c);
        }
        // crowd (id 3) and the half-pixel-wide box (id 4) are left out; id 6 is clipped to the image
        assertArrayEquals(new long[] {2, 3, 1, 1}, s.labels().longs());
        assertArrayEquals(new float[] {1, 1, 2, 3, 1, 0, 2, 4, 0.5f, 0.5f, 4.5f, 2.5f, 0, 2, 5, 4},
                s.boxes().floats());
        byte[] m = s.masks().bytes();
        byte[] uncompressed = new byte[20];
        uncompressed[1 * 5 + 1] = 1; // column-major runs 5, 2: x = 1, y = 1 and 2
        uncompressed[2 * 5 + 1] = 1;
        assertArrayEquals(uncompressed, java.util.Arrays.copyOfRange(m, 0, 20), "uncompressed RLE");
        byte[] column = new byte[20];
        for (int y = 0; y < 4; y++) {
            column[y * 5 + 1] = 1;
        }
        assertArrayEquals(column, java.util.Arrays.copyOfRange(m, 20, 40), "compressed RLE");
        assertArrayEquals(rowMajor(MaskApi.fromPolygon(poly, 4, 5)), java.util.Arrays.copyOfRange(m, 40, 60),
                "polygon");
        byte[] box = new byte[20];
        for (int y = 2; y < 4; y++) {
            for (int x = 0; x < 5; x++) {
                box[y * 5 + x] = 1;
            }
        }
        assertArrayEquals(box, java.util.Arrays.copyOfRange(m, 60, 80), "no segmentation: the box");
        assertFalse(ds.groundTruth().annotations().isEmpty());
        assertEquals(6, ds.groundTruth().annotations().size(), "the ground truth keeps crowd and tiny annotations");
    }

    private static byte[] rowMajor(Rle r) {
        byte[] col = r.decode();
        byte[] out = new byte[col.length];
        for (int x = 0; x < r.width(); x++) {
            for (int y = 0; y < r.height(); y++) {
                out[y * r.width() + x] = col[x * r.height() + y];
            }
        }
        return out;
    }

    @Test
    void readsJpeg() throws IOException {
        BufferedImage rgb = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                rgb.setRGB(x, y, 0xC8_3C_64);
            }
        }
        assertTrue(ImageIO.write(rgb, "jpeg", dir.resolve("a.jpg").toFile()));
        Path f = dir.resolve("i.json");
        Files.writeString(f, """
            {"images": [{"id": 1, "file_name": "a.jpg", "width": 8, "height": 8}],
             "categories": [{"id": 1, "name": "x"}], "annotations": []}""");
        Sample s = CocoDetectionDataset.open(f, dir).get(0);
        float[] px = s.image().floats();
        assertEquals(200 / 255f, px[0], 6 / 255f, "red (JPEG is lossy)");
        assertEquals(60 / 255f, px[64], 6 / 255f, "green");
        assertEquals(100 / 255f, px[128], 6 / 255f, "blue");
    }

    @Test
    void aMissingImageFileIsNamedWhenOpening() throws IOException {
        Path f = handMade("[]");
        Files.delete(dir.resolve("rgba.png"));
        CocoFormatException e = assertThrows(CocoFormatException.class, () -> CocoDetectionDataset.open(f, dir));
        assertTrue(e.getMessage().contains("instances.json") && e.getMessage().contains("image 2")
                && e.getMessage().contains("rgba.png") && e.getMessage().contains("not found"), e.getMessage());
    }

    @Test
    void anUnreadableImageIsNamedWhenRead() throws IOException {
        Path f = handMade("[]");
        Files.writeString(dir.resolve("rgba.png"), "not a png");
        CocoDetectionDataset ds = CocoDetectionDataset.open(f, dir);
        RuntimeException e = assertThrows(RuntimeException.class, () -> ds.get(0));
        assertTrue(e.getMessage().contains("rgba.png") && e.getMessage().contains("unreadable image"),
                e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void anImageOfAnotherSizeThanTheFileSaysIsNamed() throws IOException {
        Path f = handMade("[]");
        Files.writeString(f, Files.readString(f).replace("\"width\": 6", "\"width\": 7"));
        CocoDetectionDataset ds = CocoDetectionDataset.open(f, dir);
        RuntimeException e = assertThrows(IllegalStateException.class, () -> ds.get(0));
        assertTrue(e.getMessage().contains("rgba.png") && e.getMessage().contains("6x3")
                && e.getMessage().contains("7x3"), e.getMessage());
    }

    @Test
    void badAnnotationsAreNamedWithTheirId() throws IOException {
        String[][] cases = {
            {"[{\"id\": 9, \"image_id\": 5, \"category_id\": 3, \"bbox\": [0, 0, 1, 1], \"area\": 1, "
                + "\"segmentation\": {\"size\": [3, 5], \"counts\": [15]}}]", "annotation 9", "RLE size"},
            {"[{\"id\": 8, \"image_id\": 5, \"category_id\": 4, \"bbox\": [0, 0, 1, 1], \"area\": 1}]",
                "annotation 8", "unknown category"},
            {"[{\"id\": 7, \"image_id\": 6, \"category_id\": 3, \"bbox\": [0, 0, 1, 1], \"area\": 1}]",
                "annotation 7", "missing image"},
            {"[{\"id\": 6, \"image_id\": 5, \"category_id\": 3, \"bbox\": [0, 0, 1], \"area\": 1}]",
                "annotation 6", "bad bbox"},
            {"[{\"id\": 5, \"image_id\": 5, \"category_id\": 3, \"bbox\": [0, 0, 1, 1], \"area\": 1, "
                + "\"segmentation\": [[1, 2, 3]]}]", "annotation 5", "malformed segmentation"},
            {"[{\"id\": 4, \"image_id\": 5, \"category_id\": 3, \"bbox\": [0, 0, 1, 1], \"area\": 1, "
                + "\"segmentation\": {\"size\": [4, 5], \"counts\": [3, 4]}}]", "annotation 4",
                "malformed segmentation"},
        };
        for (String[] c : cases) {
            Path f = handMade(c[0]);
            CocoFormatException e = assertThrows(CocoFormatException.class, () -> CocoDetectionDataset.open(f, dir),
                    c[2]);
            String msg = e.getMessage();
            assertTrue(msg.contains("instances.json") && msg.contains(c[1]) && msg.contains(c[2]), msg);
            assertEquals(1, msg.lines().count(), msg);
        }
    }

    @Test
    void notJsonIsNamed() throws IOException {
        Path f = dir.resolve("broken.json");
        Files.writeString(f, "{\"images\": [");
        CocoFormatException e = assertThrows(CocoFormatException.class, () -> CocoDetectionDataset.open(f, dir));
        assertTrue(e.getMessage().contains("broken.json") && e.getMessage().contains("not valid JSON"),
                e.getMessage());
    }
}
