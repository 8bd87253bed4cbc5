package org.rcnn4j.proposals;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GraphSegmentationTest {
    private static Segmentation seg(int[] rgb, int w, int h, double sigma, double k, int minSize) {
        RgbImage im = RgbImage.ofPacked(w, h, rgb);
        return GraphSegmentation.segment(Images.rgbPlanes(im), w, h, sigma, k, minSize);
    }

    @Test
    void twoFlatHalvesAreTwoComponentsSplitAtTheBorder() {
        int w = 40;
        int h = 30;
        int[] p = Images.flat(w, h, 0x204060);
        Images.fill(p, w, 17, 0, w, h, 0xe0c0a0);
        Segmentation s = seg(p, w, h, 0, 300, 0);
        assertEquals(2, s.count());
        int left = s.labels()[0];
        int right = s.labels()[w - 1];
        assertNotEquals(left, right);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                assertEquals(x < 17 ? left : right, s.labels()[y * w + x], "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void smoothedStepIsTwoComponentsOnceMinSizeAbsorbsTheBlurredBand() {
        int w = 40;
        int h = 30;
        int[] p = Images.flat(w, h, 0x204060);
        Images.fill(p, w, 17, 0, w, h, 0xe0c0a0);
        // sigma 0.8 leaves a band of blended columns at the step; each column holds h = 30 pixels
        assertTrue(seg(p, w, h, 0.8, 300, 0).count() > 2);
        Segmentation s = seg(p, w, h, 0.8, 300, 2 * h);
        assertEquals(2, s.count());
        assertNotEquals(s.labels()[0], s.labels()[w - 1]);
    }

    @Test
    void flatImageIsOneComponent() {
        Segmentation s = seg(Images.flat(13, 7, 0x123456), 13, 7, 0.8, 1, 0);
        assertEquals(1, s.count());
    }

    @Test
    void noiseWithHugeKIsOneComponent() {
        Segmentation s = seg(Images.noise(32, 24, 7), 32, 24, 0, 1e9, 0);
        assertEquals(1, s.count());
    }

    @Test
    void noiseWithTinyKAndNoMinSizeIsManyComponents() {
        // k = 0 joins only equal neighbours: random 24-bit colours are almost all distinct
        Segmentation s = seg(Images.noise(20, 20, 3), 20, 20, 0, 0, 0);
        assertTrue(s.count() > 390, "components: " + s.count());
    }

    @Test
    void minSizeMergesSmallComponentsIntoTheirNeighbour() {
        int w = 30;
        int h = 30;
        int[] p = Images.flat(w, h, 0x000000);
        Images.fill(p, w, 10, 10, 13, 13, 0xffffff); // 9 pixels, very different
        Segmentation without = seg(p, w, h, 0, 10, 0);
        assertEquals(2, without.count());
        Segmentation with = seg(p, w, h, 0, 10, 10);
        assertEquals(1, with.count());
        Segmentation smaller = seg(p, w, h, 0, 10, 9); // 9 is not smaller than 9: kept
        assertEquals(2, smaller.count());
    }

    @Test
    void labelsAreNumberedInRasterOrderOfFirstPixel() {
        int w = 12;
        int h = 4;
        int[] p = Images.flat(w, h, 0x000000);
        Images.fill(p, w, 4, 0, 8, h, 0xff0000);
        Images.fill(p, w, 8, 0, 12, h, 0x00ff00);
        Segmentation s = seg(p, w, h, 0, 50, 0);
        assertEquals(3, s.count());
        assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2}, java.util.Arrays.copyOf(s.labels(), w));
    }

    @Test
    void diagonalNeighboursAreConnected() {
        // two white pixels touching only at a corner on black: 8-connectivity makes them one component
        int w = 6;
        int h = 6;
        int[] p = Images.flat(w, h, 0x000000);
        p[2 * w + 2] = 0xffffff;
        p[3 * w + 3] = 0xffffff;
        Segmentation s = seg(p, w, h, 0, 1, 0);
        assertEquals(2, s.count());
        assertEquals(s.labels()[2 * w + 2], s.labels()[3 * w + 3]);
    }

    @Test
    void oneGraphServesEveryK() {
        int w = 40;
        int h = 30;
        int[] p = Images.noise(w, h, 11);
        float[][] planes = Images.rgbPlanes(RgbImage.ofPacked(w, h, p));
        GraphSegmentation.Graph g = GraphSegmentation.graph(planes, w, h, 0.8);
        int previous = Integer.MAX_VALUE;
        for (double k : new double[] {50, 300, 50, 3000}) {
            Segmentation reused = GraphSegmentation.segment(g, k, 10);
            Segmentation fresh = GraphSegmentation.segment(planes, w, h, 0.8, k, 10);
            assertArrayEquals(fresh.labels(), reused.labels(), "k=" + k);
            assertEquals(fresh.count(), reused.count());
            if (k != 50 || previous == Integer.MAX_VALUE) {
                assertTrue(reused.count() <= previous, "larger k, no more components");
            }
            previous = reused.count();
        }
    }

    @Test
    void badArgumentsAreRejected() {
        float[][] planes = {new float[6]};
        assertThrows(IllegalArgumentException.class, () -> GraphSegmentation.segment(planes, 2, 3, -1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> GraphSegmentation.segment(planes, 2, 2, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> GraphSegmentation.segment(new float[0][], 2, 3, 0, 1, 0));
    }
}
