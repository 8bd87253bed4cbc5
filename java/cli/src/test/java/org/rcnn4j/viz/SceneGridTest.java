package org.rcnn4j.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rcnn4j.data.FashionMnist;
import org.rcnn4j.data.FashionMnistScenes;
import org.rcnn4j.data.Sample;
import org.rcnn4j.data.SceneConfig;

class SceneGridTest {
    @Test
    void laysOutCellsInRowsOfColumns() {
        FashionMnistScenes scenes = new FashionMnistScenes(FashionMnist.bundled(FashionMnist.Split.TEST),
                SceneConfig.sized(40, 60), 1, 5);
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            samples.add(scenes.get(i));
        }
        BufferedImage grid = SceneGrid.render(samples, FashionMnist.CLASS_NAMES, 2, 2);
        assertEquals(4 + 2 * (120 + 4), grid.getWidth());
        assertEquals(4 + 3 * (80 + 4), grid.getHeight());
        // the unused sixth cell stays white
        assertEquals(0xffffff, grid.getRGB(4 + 124 + 60, 4 + 2 * 84 + 40) & 0xffffff);
    }
}
