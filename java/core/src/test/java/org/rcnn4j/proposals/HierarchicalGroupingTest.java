package org.rcnn4j.proposals;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class HierarchicalGroupingTest {
    static final int W = 120;
    static final int H = 90;
    static final int[][] RECTS = {{10, 8, 40, 30}, {60, 12, 110, 40}, {25, 50, 95, 82}};

    /** Three coloured rectangles on a grey background, everything noisy. */
    static RgbImage threeRectangles() {
        int[] p = Images.flat(W, H, 0x808080);
        int[] colours = {0xd02020, 0x20c040, 0x2040d0};
        for (int i = 0; i < RECTS.length; i++) {
            int[] r = RECTS[i];
            Images.fill(p, W, r[0], r[1], r[2], r[3], colours[i]);
        }
        Images.jitter(p, 12, 5);
        return RgbImage.ofPacked(W, H, p);
    }

    /** How many segments have pixels inside r (all of them must lie inside r for r to be found by grouping). */
    private static int segmentsInside(Segmentation seg, int[] r) {
        java.util.Set<Integer> in = new java.util.HashSet<>();
        for (int y = r[1]; y < r[3]; y++) {
            for (int x = r[0]; x < r[2]; x++) {
                in.add(seg.labels()[y * W + x]);
            }
        }
        return in.size();
    }

    private static boolean contains(int[] boxes, int[] box) {
        for (int i = 0; i < boxes.length; i += 4) {
            if (Arrays.equals(boxes, i, i + 4, box, 0, 4)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void rectanglesAreRegionsAndTheLastRegionIsTheWholeImage() {
        RgbImage im = threeRectangles();
        for (ColorSpace cs : new ColorSpace[] {ColorSpace.HSV, ColorSpace.LAB, ColorSpace.RGB}) {
            float[][] planes = cs.convert(im);
            float[][] scaled = new float[planes.length][];
            for (int c = 0; c < planes.length; c++) {
                scaled[c] = planes[c].clone();
                for (int i = 0; i < scaled[c].length; i++) {
                    scaled[c][i] *= 255f;
                }
            }
            // unsmoothed, small k: every rectangle is split into several segments for the grouping to join
            Segmentation seg = GraphSegmentation.segment(scaled, W, H, 0, 20, 15);
            for (int[] r : RECTS) {
                assertTrue(segmentsInside(seg, r) > 1, cs + ": the test needs " + Arrays.toString(r) + " split");
            }
            PixelFeatures f = PixelFeatures.of(planes, W, H);
            // colour is what tells these rectangles from the background (all have the same noise texture)
            for (String sims : new String[] {"CTSF", "CSF", "CT", "C"}) {
                HierarchicalGrouping.Hierarchy hh = HierarchicalGrouping.group(seg, f, Similarity.parse(sims));
                int[] b = hh.boxes();
                String where = cs + " " + sims;
                assertEquals(2 * seg.count() - 1, hh.regions(), where + ": n - 1 merges");
                assertArrayEquals(new int[] {0, 0, W, H}, Arrays.copyOfRange(b, b.length - 4, b.length), where);
                for (int[] r : RECTS) {
                    assertTrue(contains(b, r), where + ": missing " + Arrays.toString(r));
                }
            }
        }
    }

    /** Four vertical stripes labelled 0..3, each 10 px wide, image 40 x 10. */
    private static Segmentation stripes() {
        int w = 40;
        int h = 10;
        int[] lab = new int[w * h];
        for (int i = 0; i < lab.length; i++) {
            lab[i] = (i % w) / 10;
        }
        return new Segmentation(w, h, lab, 4);
    }

    @Test
    void colourSimilarityMergesTheMostAlikeNeighboursFirst() {
        // stripes 1 and 2 share a colour; 0 and 3 each differ from everything
        float[] v = new float[400];
        for (int i = 0; i < v.length; i++) {
            int s = (i % 40) / 10;
            v[i] = s == 0 ? 0.05f : s == 3 ? 0.95f : 0.5f;
        }
        PixelFeatures f = PixelFeatures.of(new float[][] {v}, 40, 10);
        HierarchicalGrouping.Hierarchy hh = HierarchicalGrouping.group(stripes(), f, Similarity.parse("C"));
        int[] b = hh.boxes();
        assertEquals(7, hh.regions());
        assertArrayEquals(new int[] {10, 0, 30, 10}, Arrays.copyOfRange(b, 16, 20), "first merge: stripes 1+2");
        assertArrayEquals(new int[] {0, 0, 40, 10}, Arrays.copyOfRange(b, 24, 28));
        assertArrayEquals(new int[] {0, 0, 10, 10, 10, 0, 20, 10, 20, 0, 30, 10, 30, 0, 40, 10},
                Arrays.copyOf(b, 16), "initial regions in label order");
    }

    @Test
    void sizeSimilarityMergesSmallRegionsFirst() {
        // regions: 0 = columns 0..4 (50 px), 1 = 5..9 (50 px), 2 = 10..39 (300 px); only 0-1 and 1-2 touch
        int w = 40;
        int h = 10;
        int[] lab = new int[w * h];
        for (int i = 0; i < lab.length; i++) {
            int x = i % w;
            lab[i] = x < 5 ? 0 : x < 10 ? 1 : 2;
        }
        Segmentation seg = new Segmentation(w, h, lab, 3);
        PixelFeatures f = PixelFeatures.of(new float[][] {new float[w * h]}, w, h);
        int[] b = HierarchicalGrouping.group(seg, f, Similarity.parse("S")).boxes();
        assertArrayEquals(new int[] {0, 0, 10, 10}, Arrays.copyOfRange(b, 12, 16));
        assertArrayEquals(new int[] {0, 0, 40, 10}, Arrays.copyOfRange(b, 16, 20));
        assertArrayEquals(new int[] {1, 1, 1, 2, 3},
                HierarchicalGrouping.group(seg, f, Similarity.parse("S")).depths());
    }

    @Test
    void oneRegionIsItsOwnHierarchy() {
        Segmentation seg = new Segmentation(3, 2, new int[6], 1);
        PixelFeatures f = PixelFeatures.of(new float[][] {new float[6]}, 3, 2);
        HierarchicalGrouping.Hierarchy hh = HierarchicalGrouping.group(seg, f, Similarity.parse("CTSF"));
        assertArrayEquals(new int[] {0, 0, 3, 2}, hh.boxes());
        assertArrayEquals(new int[] {1}, hh.depths());
    }
}
