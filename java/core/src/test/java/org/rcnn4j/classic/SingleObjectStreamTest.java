package org.rcnn4j.classic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.rcnn4j.data.FashionMnist;

/** The stream is SingleObjectScenes' sequence of one-item scenes, however it is cut into batches. */
class SingleObjectStreamTest {
    @Test
    void batchesFollowTheGeneratorsOneItemScenes() {
        int size = 20;
        long seed = 5;
        int[] cuts = {1, 7, 32, 3, 57};
        int total = Arrays.stream(cuts).sum();
        SingleObjectScenes all = SingleObjectScenes.generate(FashionMnist.Split.TRAIN, total, size, seed);
        SingleObjectStream stream = new SingleObjectStream(FashionMnist.Split.TRAIN, size, seed);
        int plane = 3 * size * size;
        int n = 0;
        for (int cut : cuts) {
            SingleObjectStream.Batch b = stream.next(cut);
            assertEquals(cut * plane, b.images().length);
            for (int i = 0; i < cut; i++, n++) {
                assertArrayEquals(all.image(n).floats(), Arrays.copyOfRange(b.images(), i * plane, (i + 1) * plane),
                        "image of scene " + n);
                assertEquals(all.label(n), b.labels()[i], "label of scene " + n);
                float[] box = Arrays.copyOfRange(b.boxes(), i * 4, i * 4 + 4);
                float[] xywh = all.box(n);
                assertArrayEquals(new float[] {xywh[0] * size, xywh[1] * size, (xywh[0] + xywh[2]) * size,
                        (xywh[1] + xywh[3]) * size}, box, 1e-4f, "box of scene " + n);
            }
        }
    }

    @Test
    void neverRepeatsAScene() {
        SingleObjectStream stream = new SingleObjectStream(FashionMnist.Split.TRAIN, 16, 1);
        float[] first = stream.next(4).images();
        float[] second = stream.next(4).images();
        assertTrue(!Arrays.equals(first, second));
    }

    @Test
    void failsWhenTheCandidatesRunOut() {
        SingleObjectStream stream = new SingleObjectStream(FashionMnist.Split.TRAIN, 16, 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> stream.next(5, 3));
        assertTrue(e.getMessage().contains("of 3 scenes"), e.getMessage());
    }

    @Test
    void rejectsAnEmptyBatch() {
        SingleObjectStream stream = new SingleObjectStream(FashionMnist.Split.TEST, 16, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> stream.next(0));
        assertTrue(e.getMessage().contains("count"), e.getMessage());
    }

    @Test
    void batchAtDependsOnTheIndexAloneAndFollowsTheGenerator() {
        int size = 20;
        SingleObjectStream a = new SingleObjectStream(FashionMnist.Split.TRAIN, size, 3);
        SingleObjectStream b = new SingleObjectStream(FashionMnist.Split.TRAIN, size, 3);
        a.next(9); // the sequential cursor does not move batchAt
        SingleObjectStream.Batch third = a.batchAt(2, 8);
        b.batchAt(0, 8);
        SingleObjectStream.Batch again = b.batchAt(2, 8);
        assertEquals(8, third.labels().length);
        assertArrayEquals(third.images(), again.images());
        assertArrayEquals(third.labels(), again.labels());
        assertArrayEquals(third.boxes(), again.boxes());
        assertTrue(!Arrays.equals(third.images(), a.batchAt(3, 8).images()));

        // batch 2 of 8 starts at candidate 2 * (8 + 8 / 4 + 4) = 28; with this seed none of the first 36
        // candidates drops its item, so it is the stream's scenes 28..35
        int plane = 3 * size * size;
        SingleObjectStream.Batch fromStart = new SingleObjectStream(FashionMnist.Split.TRAIN, size, 3).next(36);
        assertArrayEquals(Arrays.copyOfRange(fromStart.images(), 28 * plane, 36 * plane), third.images());
        assertArrayEquals(Arrays.copyOfRange(fromStart.labels(), 28, 36), third.labels());
    }

    @Test
    void batchAtRejectsBadArguments() {
        SingleObjectStream stream = new SingleObjectStream(FashionMnist.Split.TEST, 16, 1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> stream.batchAt(0, 0)).getMessage()
                .contains("count"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> stream.batchAt(-1, 4)).getMessage()
                .contains("index"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> stream.batchAt(Long.MAX_VALUE / 64, 4))
                .getMessage().contains("past the last batch"));
    }
}
