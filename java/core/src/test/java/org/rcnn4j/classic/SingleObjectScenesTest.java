package org.rcnn4j.classic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.rcnn4j.data.FashionMnist;
import org.rcnn4j.data.FashionMnistScenes;
import org.rcnn4j.data.Sample;

/** Scene i of SingleObjectScenes is the i-th one-item scene of the generator, however the scenes are rendered. */
class SingleObjectScenesTest {
    @Test
    void keepsTheGeneratorsOneItemScenesInOrder() {
        int count = 600; // more than one render chunk
        int size = 24;
        long seed = 11;
        SingleObjectScenes got = SingleObjectScenes.generate(FashionMnist.Split.TRAIN, count, size, seed);
        FashionMnistScenes scenes = new FashionMnistScenes(FashionMnist.bundled(FashionMnist.Split.TRAIN),
                SingleObjectScenes.config(size), seed, count * 2 + 64);
        int n = 0;
        for (int i = 0; n < count; i++) {
            Sample s = scenes.get(i);
            if (s.count() != 1) {
                continue;
            }
            assertArrayEquals(s.image().floats(), got.image(n).floats(), "image of scene " + n);
            assertEquals(s.labels().longs()[0] - 1, got.label(n), "label of scene " + n);
            float[] b = s.boxes().floats();
            assertArrayEquals(new float[] {b[0] / size, b[1] / size, (b[2] - b[0]) / size, (b[3] - b[1]) / size},
                    got.box(n), "box of scene " + n);
            n++;
        }
        assertEquals(count, got.count());
    }
}
