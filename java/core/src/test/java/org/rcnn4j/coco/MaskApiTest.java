package org.rcnn4j.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MaskApiTest {

    @Test
    void encodeIsColumnMajorAndStartsWithZeros() {
        // 2 rows x 3 columns; column-major pixels: (x0: 1, 1) (x1: 0, 1) (x2: 0, 0)
        byte[] m = {1, 1, 0, 1, 0, 0};
        Rle r = Rle.encode(m, 2, 3);
        assertArrayEquals(new int[] {0, 2, 1, 1, 2}, r.counts());
        assertEquals(3, r.area());
        assertArrayEquals(m, r.decode());
        assertArrayEquals(new double[] {0, 0, 2, 2}, r.toBbox(), 0.0);
    }

    @Test
    void stringRoundTripOnRandomMasks() {
        long seed = 20261125L;
        Random rnd = new Random(seed);
        for (int trial = 0; trial < 200; trial++) {
            int h = 1 + rnd.nextInt(40);
            int w = 1 + rnd.nextInt(40);
            byte[] m = new byte[h * w];
            double density = rnd.nextDouble();
            for (int i = 0; i < m.length; i++) {
                m[i] = (byte) (rnd.nextDouble() < density ? 1 : 0);
            }
            Rle r = Rle.encode(m, h, w);
            String s = r.toCocoString();
            Rle back = Rle.fromCocoString(s, h, w);
            assertEquals(r, back, "seed " + seed + " trial " + trial + " string " + s);
            assertArrayEquals(m, back.decode());
        }
    }

    /** Runs whose deltas go negative and values past 5 bits take several chars with a sign bit. */
    @Test
    void stringCodecKnownValues() {
        // counts [3, 40, 2, 1000, 5]; pycocotools' deltas start at the fourth run (i > 2): 3, 40, 2, 960, 3.
        // 3 -> '3'; 40 = 8 + 1 * 32 -> (8 | more) + 48 = 'X', then '1'; 2 -> '2';
        // 960 = 0 + 30 * 32 -> 'P' (0 | more), then 30 has the sign bit 0x10 set so one more char: 'n', '0'; 3 -> '3'
        Rle r = new Rle(1, 1050, new int[] {3, 40, 2, 1000, 5});
        assertEquals("3X12Pn03", r.toCocoString());
        assertEquals(r, Rle.fromCocoString(r.toCocoString(), 1, 1050));
        Rle down = new Rle(1, 60, new int[] {10, 30, 5, 10, 5});
        assertEquals(down, Rle.fromCocoString(down.toCocoString(), 1, 60)); // 10 - 30 = -20: negative delta
    }

    @Test
    void malformedStringsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Rle.fromCocoString("3~", 2, 2));
        assertTrue(e.getMessage().contains("'~'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Rle.fromCocoString("0", 2, 2)); // sums to 0, not 4
        assertThrows(IllegalArgumentException.class, () -> Rle.fromCocoString("P", 2, 2)); // ends mid-number
    }

    /**
     * rleFrPoly on an axis-aligned rectangle with integer corners (x0, y0)-(x1, y1): a pixel (x, y) is inside
     * when x0 <= x < x1 and y0 <= y < y1 (the boundary is sampled at pixel centres), so the area is
     * (x1 - x0) * (y1 - y0), which is also the rectangle's geometric area.
     */
    @Test
    void rectanglePolygonCoversItsPixels() {
        int h = 30;
        int w = 40;
        int[][] rects = {{2, 3, 12, 9}, {0, 0, 40, 30}, {5, 5, 6, 6}, {39, 0, 40, 30}};
        for (int[] q : rects) {
            double[] xy = {q[0], q[1], q[2], q[1], q[2], q[3], q[0], q[3]};
            Rle r = MaskApi.fromPolygon(xy, h, w);
            byte[] m = r.decode();
            for (int x = 0; x < w; x++) {
                for (int y = 0; y < h; y++) {
                    boolean in = x >= q[0] && x < q[2] && y >= q[1] && y < q[3];
                    assertEquals(in ? 1 : 0, m[x * h + y], "pixel " + x + "," + y + " of " + java.util.Arrays.toString(q));
                }
            }
            assertEquals((long) (q[2] - q[0]) * (q[3] - q[1]), r.area());
            // the other orientation gives the same mask
            double[] ccw = {q[0], q[1], q[0], q[3], q[2], q[3], q[2], q[1]};
            assertEquals(r, MaskApi.fromPolygon(ccw, h, w));
        }
    }

    /** A right triangle (0,0) (10,0) (0,10): the pixel centres strictly below the diagonal, 45 + edge rounding. */
    @Test
    void trianglePolygonMatchesTheReferenceRasterizer() {
        Rle r = MaskApi.fromPolygon(new double[] {0, 0, 10, 0, 0, 10}, 12, 12);
        byte[] m = r.decode();
        // every pixel with x + y <= 8 lies clearly inside, every one with x + y >= 11 clearly outside
        for (int x = 0; x < 12; x++) {
            for (int y = 0; y < 12; y++) {
                if (x + y <= 8 && x < 10 && y < 10) {
                    assertEquals(1, m[x * 12 + y], "inside " + x + "," + y);
                }
                if (x + y >= 11) {
                    assertEquals(0, m[x * 12 + y], "outside " + x + "," + y);
                }
            }
        }
    }

    @Test
    void boxIouWithCrowd() {
        double[][] dt = {{0, 0, 10, 10}};
        double[][] gt = {{5, 0, 10, 10}, {0, 0, 100, 100}};
        double[][] o = MaskApi.boxIou(dt, gt, new boolean[] {false, true});
        assertEquals(50.0 / 150.0, o[0][0], 0.0);
        assertEquals(1.0, o[0][1], 0.0, "crowd: intersection over the detection's area");
        assertEquals(100.0 / 10000.0, MaskApi.boxIou(dt, gt, null)[0][1], 0.0);
    }

    @Test
    void maskIouWithCrowdAndUnion() {
        Rle a = MaskApi.fromBbox(new double[] {0, 0, 4, 4}, 10, 10);
        Rle b = MaskApi.fromBbox(new double[] {2, 0, 4, 4}, 10, 10);
        Rle big = MaskApi.fromBbox(new double[] {0, 0, 10, 10}, 10, 10);
        double[][] o = MaskApi.maskIou(new Rle[] {a}, new Rle[] {b, big}, new boolean[] {false, true});
        assertEquals(8.0 / 24.0, o[0][0], 0.0);
        assertEquals(1.0, o[0][1], 0.0);
        Rle u = MaskApi.merge(List.of(a, b), false);
        assertEquals(24, u.area());
        assertEquals(8, MaskApi.merge(List.of(a, b), true).area());
        assertArrayEquals(new double[] {0, 0, 6, 4}, u.toBbox(), 0.0);
        Rle other = new Rle(5, 20, new int[] {100});
        assertEquals(0.0, MaskApi.maskIou(new Rle[] {a}, new Rle[] {other}, null)[0][0], 0.0);
    }
}
