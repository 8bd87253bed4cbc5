package org.rcnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A batch [n, c, p] read and written as the matrix [c x n*p] gives exactly what the same matrix stored row-major
 * does: packed as A and as B for any block (runs that straddle images, ragged strips), and tiles added back.
 */
class ChannelRowsTest {
    private static final int N = 5;
    private static final int C = 7;
    private static final int P = 3; // shorter than a strip: every strip crosses images

    private final float[] batch = random(N * C * P, 11);

    /** A batch's values as a row-major [c x n*p] matrix, by index arithmetic alone. */
    private static float[] matrix(float[] batch) {
        float[] m = new float[C * N * P];
        for (int n = 0; n < N; n++) {
            for (int c = 0; c < C; c++) {
                System.arraycopy(batch, (n * C + c) * P, m, c * N * P + n * P, P);
            }
        }
        return m;
    }

    @Test
    void packsAsTheRowMajorMatrixDoes() {
        ChannelRows rows = new ChannelRows(batch, C, P);
        float[] m = matrix(batch);
        int cols = N * P;
        // {row or k start, count, k or column start, count, strip}
        int[][] requests = {{0, C, 0, cols, 4}, {2, 5, 1, 13, 4}, {3, 4, 4, 8, 3}, {6, 1, 14, 1, 2}, {0, 7, 2, 11, 8}};
        for (int[] r : requests) {
            String what = Arrays.toString(r);
            float[] want = poisoned((r[1] + r[4] - 1) / r[4] * r[4] * r[3] + 2);
            float[] got = want.clone();
            SgemmPack.a(m, 0, cols, 1).pack(r[0], r[1], r[2], r[3], r[4], want, 2);
            rows.asA().pack(r[0], r[1], r[2], r[3], r[4], got, 2);
            assertArrayEquals(want, got, "A " + what);
            // as B: K over channels (rows r[0].., count r[1]), columns r[2].. (count r[3])
            float[] wantB = poisoned((r[3] + r[4] - 1) / r[4] * r[4] * r[1] + 2);
            float[] gotB = wantB.clone();
            SgemmPack.b(m, 0, cols, 1).pack(r[0], r[1], r[2], r[3], r[4], wantB, 2);
            rows.asB().pack(r[0], r[1], r[2], r[3], r[4], gotB, 2);
            assertArrayEquals(wantB, gotB, "B " + what);
        }
    }

    @Test
    void sinkAddsTilesWhereTheMatrixHasThem() {
        float[] m = matrix(batch);
        float[] target = batch.clone();
        ChannelRows rows = new ChannelRows(target, C, P);
        int ldt = 9;
        float[] tile = random(3 + 4 * ldt, 5);
        // a 4 x 8 tile (from offset 3 of its array) at row 2, column 5: columns 5..12 run over images 1..4
        rows.sink().add(2, 5, 4, 8, tile, 3, ldt);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 8; j++) {
                m[(2 + i) * N * P + 5 + j] += tile[3 + i * ldt + j];
            }
        }
        assertArrayEquals(m, matrix(target), "after the tile");
    }

    private static float[] poisoned(int size) {
        float[] a = new float[size];
        Arrays.fill(a, Float.NaN);
        return a;
    }

    private static float[] random(int size, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = (float) rng.nextGaussian();
        }
        return a;
    }
}
