package org.rcnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.rcnn4j.tensor.DType;

class FashionMnistScenesTest {
    private static final FashionMnist TRAIN = FashionMnist.bundled(FashionMnist.Split.TRAIN);

    private static FashionMnistScenes scenes(long seed, int n) {
        return new FashionMnistScenes(TRAIN, SceneConfig.defaults(), seed, n);
    }

    @Test
    void sameSeedGivesTheSameBytesInAnyOrder() {
        FashionMnistScenes a = scenes(42, 20);
        FashionMnistScenes b = scenes(42, 20);
        b.get(17); // order of access must not matter
        for (int i = 19; i >= 0; i--) {
            assertSameSample(a.get(i), b.get(i), "scene " + i);
        }
    }

    @Test
    void differentSeedsAndIndicesDiffer() {
        Sample a = scenes(1, 5).get(0);
        Sample b = scenes(2, 5).get(0);
        Sample c = scenes(1, 5).get(1);
        assertFalse(Arrays.equals(a.image().floats(), b.image().floats()), "seeds 1 and 2");
        assertFalse(Arrays.equals(a.image().floats(), c.image().floats()), "scenes 0 and 1");
    }

    @Test
    void targetsAreConsistent() {
        FashionMnistScenes ds = scenes(7, 200);
        SceneConfig cfg = ds.config();
        int total = 0;
        for (int i = 0; i < ds.size(); i++) {
            Sample s = ds.get(i);
            String where = "scene " + i + " (seed 7)";
            int h = s.height();
            int w = s.width();
            int n = s.count();
            total += n;
            assertArrayEquals(new int[] {3, 128, 128}, s.image().shape());
            assertEquals(DType.F32, s.image().dtype());
            assertEquals(DType.F32, s.boxes().dtype());
            assertEquals(DType.I64, s.labels().dtype());
            assertEquals(DType.U8, s.masks().dtype());
            assertArrayEquals(new int[] {n, h, w}, s.masks().shape());
            assertArrayEquals(new int[] {n}, s.labels().shape());
            assertTrue(n <= cfg.maxItems(), where);
            for (float v : s.image().floats()) {
                assertTrue(v >= 0 && v <= 1, where + ": pixel " + v);
            }
            byte[] m = s.masks().bytes();
            float[] b = s.boxes().floats();
            int[] cover = new int[h * w];
            for (int k = 0; k < n; k++) {
                long label = s.labels().longs()[k];
                assertTrue(label >= 1 && label <= 10, where + ": label " + label);
                int x1 = Integer.MAX_VALUE;
                int y1 = Integer.MAX_VALUE;
                int x2 = -1;
                int y2 = -1;
                int area = 0;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        byte v = m[k * h * w + y * w + x];
                        assertTrue(v == 0 || v == 1, where);
                        if (v == 1) {
                            cover[y * w + x]++;
                            area++;
                            x1 = Math.min(x1, x);
                            y1 = Math.min(y1, y);
                            x2 = Math.max(x2, x + 1);
                            y2 = Math.max(y2, y + 1);
                        }
                    }
                }
                assertTrue(area >= cfg.minVisiblePixels(), where + ": instance " + k + " has " + area + " pixels");
                assertArrayEquals(new float[] {x1, y1, x2, y2}, Arrays.copyOfRange(b, 4 * k, 4 * k + 4),
                        where + ": box " + k + " is the tight box of its mask");
            }
            for (int c : cover) {
                assertTrue(c <= 1, where + ": masks overlap");
            }
        }
        assertTrue(total > 200 * 1.5, "scenes hold several instances on average, got " + total);
    }

    @Test
    void occludedInstancesAreDropped() {
        // with up to 12 large items on a small canvas, some are hidden and must be dropped
        SceneConfig crowded = new SceneConfig(48, 48, 12, 12, 1.2, 1.6, 0.5, 10, 0.15);
        FashionMnistScenes ds = new FashionMnistScenes(TRAIN, crowded, 3, 30);
        int fewer = 0;
        for (int i = 0; i < ds.size(); i++) {
            if (ds.get(i).count() < 12) {
                fewer++;
            }
        }
        assertTrue(fewer > 0, "no instance was ever dropped");
    }

    @Test
    void droppedItemsLeaveNoTrace() {
        // crowded scenes drop many items; outside the kept masks the picture must be the bare background, up to
        // the faint anti-aliased rim an item paints just outside its mask (opacity < 0.07 at the mask threshold)
        SceneConfig crowded = new SceneConfig(48, 48, 12, 12, 1.2, 1.6, 0.5, 10, 0.05);
        FashionMnistScenes ds = new FashionMnistScenes(TRAIN, crowded, 3, 20);
        int plane = 48 * 48;
        for (int i = 0; i < ds.size(); i++) {
            Sample s = ds.get(i);
            float[] bg = ds.backgroundOf(i);
            float[] im = s.image().floats();
            byte[] m = s.masks().bytes();
            for (int p = 0; p < plane; p++) {
                boolean covered = false;
                for (int k = 0; k < s.count() && !covered; k++) {
                    covered = m[k * plane + p] != 0;
                }
                if (covered) {
                    continue;
                }
                for (int c = 0; c < 3; c++) {
                    float d = Math.abs(im[c * plane + p] - bg[c * plane + p]);
                    assertTrue(d < 0.07f, "scene " + i + " (seed 3) pixel " + p + " channel " + c + " differs by " + d
                            + " from the background outside every mask");
                }
            }
        }
    }

    @Test
    void rejectsBadConfigs() {
        assertThrows(IllegalArgumentException.class, () -> new SceneConfig(128, 128, 0, 5, 1, 2, 0.5, 10, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new SceneConfig(128, 128, 1, 5, 2, 1, 0.5, 10, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new SceneConfig(4, 128, 1, 5, 1, 2, 0.5, 10, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new SceneConfig(128, 128, 1, 5, 1, 2, 1.5, 10, 0.1));
        assertThrows(IndexOutOfBoundsException.class, () -> scenes(1, 3).get(3));
    }

    @Test
    void hsvMatchesAwt() {
        for (float h = 0; h < 1; h += 0.037f) {
            for (float sat : new float[] {0, 0.45f, 1}) {
                float[] rgb = FashionMnistScenes.hsvToRgb(h, sat, 0.8f);
                int awt = java.awt.Color.HSBtoRGB(h, sat, 0.8f);
                String where = "h=" + h + " s=" + sat;
                assertEquals((awt >> 16) & 0xff, rgb[0] * 255, 1.0, where);
                assertEquals((awt >> 8) & 0xff, rgb[1] * 255, 1.0, where);
                assertEquals(awt & 0xff, rgb[2] * 255, 1.0, where);
            }
        }
    }

    static void assertSameSample(Sample a, Sample b, String where) {
        assertArrayEquals(a.image().floats(), b.image().floats(), where + ": image");
        assertArrayEquals(a.boxes().floats(), b.boxes().floats(), where + ": boxes");
        assertArrayEquals(a.labels().longs(), b.labels().longs(), where + ": labels");
        assertArrayEquals(a.masks().bytes(), b.masks().bytes(), where + ": masks");
    }
}
