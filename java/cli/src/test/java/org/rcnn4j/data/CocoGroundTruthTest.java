package org.rcnn4j.data;

import org.rcnn4j.cli.CocoScenesExport;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.coco.CocoAnnotation;
import org.rcnn4j.coco.CocoDataset;
import org.rcnn4j.coco.CocoImage;
import org.rcnn4j.coco.Rle;

class CocoGroundTruthTest {
    @TempDir
    Path dir;

    private static final FashionMnistScenes SCENES = new FashionMnistScenes(
            FashionMnist.bundled(FashionMnist.Split.TEST), SceneConfig.sized(40, 56), 3, 4);

    @Test
    void inMemoryGroundTruthIsWhatTheExportWrites() throws IOException {
        CocoDataset mem = CocoGroundTruth.of(SCENES, FashionMnist.CLASS_NAMES);
        CocoScenesExport.write(SCENES, FashionMnist.CLASS_NAMES, dir.resolve("c"), null);
        CocoDataset file = CocoDataset.read(dir.resolve("c/annotations.json"));
        assertEquals(file.images(), mem.images());
        assertEquals(10, mem.categories().size());
        for (long c = 1; c <= 10; c++) {
            assertEquals(file.categories().get(c).name(), mem.categories().get(c).name());
        }
        assertEquals(file.annotations().size(), mem.annotations().size());
        assertTrue(mem.annotations().size() > 0);
        for (int i = 0; i < mem.annotations().size(); i++) {
            CocoAnnotation a = mem.annotations().get(i);
            CocoAnnotation b = file.annotations().get(i);
            assertEquals(i + 1L, a.id());
            assertEquals(b.id(), a.id());
            assertEquals(b.imageId(), a.imageId());
            assertEquals(b.categoryId(), a.categoryId());
            assertArrayEquals(b.bbox(), a.bbox());
            assertEquals(b.area(), a.area());
            assertEquals(b.iscrowd(), a.iscrowd());
            assertEquals(b.segmentation().rle(), a.segmentation().rle());
        }
    }

    @Test
    void annotationsFollowTheSample() {
        Sample s = SCENES.get(2);
        List<CocoAnnotation> anns = CocoGroundTruth.annotations(2, s);
        assertEquals(s.count(), anns.size());
        CocoImage im = CocoGroundTruth.image(2, s);
        assertEquals(new CocoImage(3, 56, 40, "images/000002.png"), im);
        byte[] masks = s.masks().bytes();
        float[] b = s.boxes().floats();
        for (int k = 0; k < s.count(); k++) {
            CocoAnnotation a = anns.get(k);
            long pixels = 0;
            for (int p = k * 40 * 56; p < (k + 1) * 40 * 56; p++) {
                pixels += masks[p];
            }
            assertEquals(pixels, a.area(), "area = mask pixels");
            assertEquals(3, a.imageId());
            assertEquals(s.labels().longs()[k], a.categoryId());
            assertArrayEquals(new double[] {b[4 * k], b[4 * k + 1], b[4 * k + 2] - b[4 * k], b[4 * k + 3] - b[4 * k + 1]},
                    a.bbox());
            Rle r = a.segmentation().rle();
            assertArrayEquals(a.bbox(), r.toBbox(), "the mask's bounds are the box");
            assertTrue(Double.isNaN(a.score()));
        }
    }

    @Test
    void maskRleIsColumnMajor() {
        // 2 x 3 mask, row-major: row 0 = 0 1 1, row 1 = 0 0 1; column-major: 0 0 | 1 0 | 1 1
        Rle r = CocoGroundTruth.maskRle(new byte[] {9, 9, 9, 9, 9, 9, 0, 1, 1, 0, 0, 1}, 1, 2, 3);
        assertArrayEquals(new int[] {2, 1, 1, 2}, r.counts());
        assertNull(CocoGroundTruth.toJson(new org.rcnn4j.coco.CocoCategory(1, "a", null)).get("supercategory"));
    }
}
