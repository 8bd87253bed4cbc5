package org.rcnn4j.proposals;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rcnn4j.data.FashionMnist;
import org.rcnn4j.data.FashionMnistScenes;
import org.rcnn4j.data.HorizontalFlip;
import org.rcnn4j.data.Sample;
import org.rcnn4j.data.SceneConfig;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

class DatasetProposalsTest {
    static final FashionMnistScenes SCENES = new FashionMnistScenes(FashionMnist.bundled(FashionMnist.Split.TRAIN),
            SceneConfig.sized(64, 64), 3, 4);

    @Test
    void boxesInsideTheImageRankedAsSelectiveSearchAndCoveringTheItems() {
        DatasetProposals p = DatasetProposals.compute(SCENES, SelectiveSearch.Mode.FAST, 2000);
        assertEquals(SCENES.size(), p.size());
        int items = 0;
        int covered = 0;
        for (int i = 0; i < p.size(); i++) {
            Tensor t = p.get(i);
            assertEquals(DType.F32, t.dtype());
            assertEquals(4, t.size(1));
            float[] b = t.floats();
            for (int k = 0; k < b.length; k += 4) {
                assertTrue(b[k] >= 0 && b[k + 1] >= 0 && b[k + 2] <= 64 && b[k + 3] <= 64, "inside the image");
                assertTrue(b[k + 2] > b[k] && b[k + 3] > b[k + 1], "positive area");
            }
            Sample s = SCENES.get(i);
            int[][] direct = SelectiveSearch.propose(DatasetProposals.rgb(s.image()), SelectiveSearch.Mode.FAST);
            assertEquals(direct.length, t.size(0), "all distinct boxes kept under the cap");
            assertArrayEquals(new float[] {direct[0][0], direct[0][1], direct[0][2], direct[0][3]},
                    new float[] {b[0], b[1], b[2], b[3]}, "best-ranked box first");
            float[] gt = s.boxes().floats();
            for (int g = 0; g < gt.length; g += 4, items++) {
                double best = 0;
                for (int k = 0; k < b.length; k += 4) {
                    best = Math.max(best, iou(gt, g, b, k));
                }
                covered += best >= 0.5 ? 1 : 0;
            }
        }
        assertTrue(items > 0);
        assertTrue(covered >= 0.8 * items, covered + " of " + items + " items have a proposal with IoU >= 0.5");
        assertTrue(p.meanCount() > 10, "mean count " + p.meanCount());
    }

    @Test
    void capKeepsTheBestRanked() {
        Tensor all = DatasetProposals.propose(SCENES.get(0).image(), SelectiveSearch.Mode.SINGLE, 2000);
        Tensor top = DatasetProposals.propose(SCENES.get(0).image(), SelectiveSearch.Mode.SINGLE, 3);
        assertEquals(3, top.size(0));
        float[] a = all.floats();
        assertArrayEquals(java.util.Arrays.copyOf(a, 12), top.floats());
    }

    @Test
    void flipMirrorsBoxesAsHorizontalFlipDoes() {
        Sample s = SCENES.get(1);
        Sample f = HorizontalFlip.flip(s);
        assertArrayEquals(f.boxes().floats(), DatasetProposals.flip(s.boxes(), s.width()).floats());
        Tensor once = DatasetProposals.flip(Tensor.ofFloats(new float[] {1, 2, 10, 20}, 1, 4), 64);
        assertArrayEquals(new float[] {54, 2, 63, 20}, once.floats());
    }

    @Test
    void rgbScalesToSelectiveSearchRange() {
        Tensor im = Tensor.ofFloats(new float[] {0, 1, 0.5f, 0.25f, 1, 0}, 3, 1, 2);
        RgbImage r = DatasetProposals.rgb(im);
        assertEquals(2, r.width());
        assertEquals(1, r.height());
        assertArrayEquals(new float[] {0, 255}, r.r());
        assertArrayEquals(new float[] {127.5f, 63.75f}, r.g());
        assertArrayEquals(new float[] {255, 0}, r.b());
    }

    static double iou(float[] a, int i, float[] b, int k) {
        double iw = Math.max(0, Math.min(a[i + 2], b[k + 2]) - Math.max(a[i], b[k]));
        double ih = Math.max(0, Math.min(a[i + 3], b[k + 3]) - Math.max(a[i + 1], b[k + 1]));
        double inter = iw * ih;
        double union = (a[i + 2] - a[i]) * (a[i + 3] - a[i + 1]) + (b[k + 2] - b[k]) * (b[k + 3] - b[k + 1]) - inter;
        return inter / union;
    }
}
