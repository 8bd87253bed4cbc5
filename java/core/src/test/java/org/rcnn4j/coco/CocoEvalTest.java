package org.rcnn4j.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CocoEvalTest {

    private static CocoEval run(String gtJson, String resJson, CocoParams.IouType type) {
        CocoDataset gt = CocoDataset.parse(gtJson, "gt");
        CocoEval e = new CocoEval(gt, CocoResults.parse(resJson, "res", gt), CocoParams.defaults(type));
        e.evaluate().accumulate().summarize();
        return e;
    }

    /** The numbers of coco_reference.py (a separate numpy statement of COCOeval) on the committed cases. */
    @ParameterizedTest
    @CsvSource({"mixed,bbox", "mixed,segm", "capped,bbox", "capped,segm", "many,bbox"})
    void matchesTheReferenceOnCommittedCases(String name, String type) {
        CocoDataset gt = CocoCases.gt(name);
        List<CocoAnnotation> dt = CocoCases.results(name, type, gt);
        CocoEval e = new CocoEval(gt, dt, CocoParams.defaults(CocoParams.IouType.valueOf(type.toUpperCase())));
        double[] stats = e.evaluate().accumulate().summarize();
        Map<String, Object> exp = CocoCases.expected(name, type);
        double[] want = CocoCases.doubles(exp.get("stats"));
        for (int i = 0; i < 12; i++) {
            // the same float64 operations in the same order: equal to the last bit
            assertEquals(want[i], stats[i], 0.0, name + " " + type + " stat " + i);
        }
        assertArrayEquals(CocoCases.doubles(exp.get("per_category_ap")), e.perCategoryAp(), 0.0, "per-category AP");
        assertEquals(String.join("\n", ((List<?>) exp.get("summary")).stream().map(Object::toString).toList()) + "\n",
                e.summaryText().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void thresholdsAreNumpyLinspaceBitForBit() {
        Map<String, Object> exp = CocoCases.expected("mixed", "bbox");
        CocoParams p = CocoParams.defaults(CocoParams.IouType.BBOX);
        assertArrayEquals(CocoCases.doubles(exp.get("iou_thrs")), p.iouThrs(), 0.0);
        assertArrayEquals(CocoCases.doubles(exp.get("rec_thrs")), p.recThrs(), 0.0);
    }

    private static final String ONE_GT = """
            {"images":[{"id":1,"width":100,"height":100}],
             "categories":[{"id":1,"name":"a"}],
             "annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[10,10,40,40],"area":1600,"iscrowd":0}]}
            """;

    /**
     * One medium gt (area 1600), two detections. A: exact box, score 0.9. B: [30,10,40,40] (IoU 800/2400 = 1/3,
     * a false positive at every threshold), score 0.8. Ranked A, B: tp = [1, 1], fp = [0, 1]; recall reaches 1 at
     * the first detection with precision 1 / (1 + eps) (pycocotools adds np.spacing(1) to the denominator), so
     * every one of the 101 recall points reads that: AP = 1 - 2^-52 at every IoU (what pycocotools prints as
     * 1.000). AR = 1. Small and large have no gt (-1).
     */
    @Test
    void handCheckedTrueThenFalsePositive() {
        CocoEval e = run(ONE_GT, """
                [{"image_id":1,"category_id":1,"bbox":[10,10,40,40],"score":0.9},
                 {"image_id":1,"category_id":1,"bbox":[30,10,40,40],"score":0.8}]""", CocoParams.IouType.BBOX);
        double one = 1.0 / (1.0 + Math.ulp(1.0));
        assertArrayEquals(new double[] {one, one, one, -1, one, -1, 1, 1, 1, -1, 1, -1}, e.summarize(), 1e-15);
    }

    /**
     * The same two detections with the scores swapped: B (fp) first, then A (tp). Precision at A is
     * 1 / (1 + 1 + eps) = 0.5 (minus 1e-16), the only recall level is 1, so all 101 points read 0.5: AP = 0.5.
     * AR1 looks at B alone: recall 0. AR10 = AR100 = 1.
     */
    @Test
    void handCheckedFalseThenTruePositive() {
        CocoEval e = run(ONE_GT, """
                [{"image_id":1,"category_id":1,"bbox":[10,10,40,40],"score":0.7},
                 {"image_id":1,"category_id":1,"bbox":[30,10,40,40],"score":0.8}]""", CocoParams.IouType.BBOX);
        double half = 1.0 / (2.0 + Math.ulp(1.0));
        assertArrayEquals(new double[] {half, half, half, -1, half, -1, 0, 1, 1, -1, 1, -1}, e.summarize(), 1e-15);
        assertEquals(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.500",
                e.summaryText().lines().findFirst().orElseThrow());
    }

    /**
     * A crowd gt and a detection inside it: IoU with crowd = intersection / detection area = 1, the detection
     * matches the crowd and is ignored (neither tp nor fp); the only regular gt is missed: AP = 0, AR = 0. A second
     * detection also inside the crowd matches it again (crowds match many) and is ignored too.
     */
    @Test
    void detectionsInsideACrowdAreIgnored() {
        String gt = """
                {"images":[{"id":1,"width":200,"height":200}],
                 "categories":[{"id":1,"name":"a"}],
                 "annotations":[
                  {"id":1,"image_id":1,"category_id":1,"bbox":[0,0,100,100],"area":10000,"iscrowd":1},
                  {"id":2,"image_id":1,"category_id":1,"bbox":[150,150,40,40],"area":1600,"iscrowd":0}]}""";
        CocoEval e = run(gt, """
                [{"image_id":1,"category_id":1,"bbox":[10,10,20,20],"score":0.9},
                 {"image_id":1,"category_id":1,"bbox":[50,50,20,20],"score":0.8}]""", CocoParams.IouType.BBOX);
        double[] s = e.summarize();
        assertEquals(0.0, s[0], 0.0, "AP: the regular gt is missed, the crowd matches cost nothing");
        assertEquals(0.0, s[8], 0.0);
        CocoEval hit = run(gt, """
                [{"image_id":1,"category_id":1,"bbox":[10,10,20,20],"score":0.9},
                 {"image_id":1,"category_id":1,"bbox":[150,150,40,40],"score":0.5}]""", CocoParams.IouType.BBOX);
        assertEquals(1.0, hit.summarize()[0], 1e-15, "the crowd match ranks first but is not a false positive");
    }

    @Test
    void noDetectionsGiveZeroAndNoGroundTruthGivesMinusOne() {
        double[] s = run(ONE_GT, "[]", CocoParams.IouType.BBOX).summarize();
        assertArrayEquals(new double[] {0, 0, 0, -1, 0, -1, 0, 0, 0, -1, 0, -1}, s, 0.0);
    }

    @Test
    void segmOnPolygonsAndRle() {
        // gt: the polygon of the rectangle [10,10]-[50,50]; the detection: the same square as an RLE
        String gt = """
                {"images":[{"id":1,"width":64,"height":64}],
                 "categories":[{"id":1,"name":"a"}],
                 "annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[10,10,40,40],"area":1600,
                  "iscrowd":0,"segmentation":[[10,10,50,10,50,50,10,50]]}]}""";
        Rle square = MaskApi.fromPolygon(new double[] {10, 10, 50, 10, 50, 50, 10, 50}, 64, 64);
        String res = "[{\"image_id\":1,\"category_id\":1,\"score\":0.9,\"segmentation\":{\"size\":[64,64],"
                + "\"counts\":\"" + square.toCocoString().replace("\\", "\\\\") + "\"}}]";
        assertEquals(1.0, run(gt, res, CocoParams.IouType.SEGM).summarize()[0], 1e-15);
    }

    @Test
    void withoutCategoriesDetectionsMatchAnyClass() {
        CocoDataset gt = CocoDataset.parse(ONE_GT.replace("\"categories\":[{\"id\":1,\"name\":\"a\"}]",
                "\"categories\":[{\"id\":1,\"name\":\"a\"},{\"id\":2,\"name\":\"b\"}]"), "gt");
        List<CocoAnnotation> dt = CocoResults.parse(
                "[{\"image_id\":1,\"category_id\":2,\"bbox\":[10,10,40,40],\"score\":0.9}]", "res", gt);
        CocoEval byCat = new CocoEval(gt, dt, CocoParams.defaults(CocoParams.IouType.BBOX));
        assertEquals(0.0, byCat.evaluate().accumulate().summarize()[0], 0.0);
        CocoEval any = new CocoEval(gt, dt, CocoParams.defaults(CocoParams.IouType.BBOX).withUseCats(false));
        assertEquals(1.0, any.evaluate().accumulate().summarize()[0], 1e-15);
    }

    /** pycocotools' area ranges are closed at both ends: a gt of area exactly 32^2 is both small and medium. */
    @Test
    void areaRangeBoundsAreInclusive() {
        String gt = ONE_GT.replace("\"area\":1600", "\"area\":1024");
        double[] s = run(gt, "[{\"image_id\":1,\"category_id\":1,\"bbox\":[10,10,40,40],\"score\":0.9}]",
                CocoParams.IouType.BBOX).summarize();
        assertEquals(1.0, s[3], 1e-15, "small");
        assertEquals(1.0, s[4], 1e-15, "medium");
        assertEquals(-1.0, s[5], 0.0, "large");
    }

    /**
     * Detections beyond maxDets per image are dropped after a stable sort by score: with 3 equal-score
     * detections and maxDets 1, only the first in file order counts. Here it is the false positive, so AR1 = 0,
     * while the true positive (second in the file) counts from maxDets 10 on.
     */
    @Test
    void equalScoresKeepFileOrderUnderTheCap() {
        double[] s = run(ONE_GT, """
                [{"image_id":1,"category_id":1,"bbox":[60,60,30,30],"score":0.5},
                 {"image_id":1,"category_id":1,"bbox":[10,10,40,40],"score":0.5},
                 {"image_id":1,"category_id":1,"bbox":[0,60,30,30],"score":0.5}]""", CocoParams.IouType.BBOX)
                .summarize();
        assertEquals(0.0, s[6], 0.0, "AR1");
        assertEquals(1.0, s[7], 0.0, "AR10");
    }

    /** A segmentation list whose first entry has 4 numbers is read as [x, y, w, h] boxes, as pycocotools does. */
    @Test
    void fourNumberSegmentationIsABox() {
        Segmentation s = Segmentation.ofPolygons(java.util.List.of(new double[] {2, 3, 4, 5}));
        assertEquals(MaskApi.fromBbox(new double[] {2, 3, 4, 5}, 20, 20), s.toRle(20, 20));
        assertEquals(20, s.toRle(20, 20).area());
    }

    /**
     * Box results evaluated as segm: each box becomes its corner polygon (loadRes), so the box equal to the square
     * gt polygon has mask IoU 1 and the left half box (score 0.95, ranked first) IoU exactly 0.5. At IoU 0.50 the
     * half box matches (>= threshold) and AP is 1; at the 9 higher thresholds it is a false positive before the
     * full box: AP 0.5. AP = (1 + 9 * 0.5) / 10 = 0.55; AR1 (the half box alone) = 1/10.
     */
    @Test
    void boxResultsEvaluateAsSegmThroughTheirPolygon() {
        String gt = """
                {"images":[{"id":1,"width":64,"height":64}],
                 "categories":[{"id":1,"name":"a"}],
                 "annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[10,10,40,40],"area":1600,
                  "iscrowd":0,"segmentation":[[10,10,50,10,50,50,10,50]]}]}""";
        String res = "[{\"image_id\":1,\"category_id\":1,\"bbox\":[10,10,40,40],\"score\":0.9},"
                + "{\"image_id\":1,\"category_id\":1,\"bbox\":[10,10,20,40],\"score\":0.95}]";
        double[] s = run(gt, res, CocoParams.IouType.SEGM).summarize();
        assertEquals(0.55, s[0], 1e-15, "AP");
        assertEquals(1.0, s[1], 1e-15, "AP50");
        assertEquals(0.5, s[2], 1e-15, "AP75");
        assertEquals(0.1, s[6], 1e-15, "AR1: only the half box");
    }
}
