package org.rcnn4j.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CocoIoTest {
    private static final String HEAD = "{\"images\":[{\"id\":1,\"width\":20,\"height\":10}],"
            + "\"categories\":[{\"id\":3,\"name\":\"cat\"}],\"annotations\":[";

    private static String ann(String fields) {
        return HEAD + "{\"id\":7,\"image_id\":1,\"category_id\":3,\"bbox\":[1,2,3,4],\"area\":12," + fields + "}]}";
    }

    @Test
    void readsPolygonsUncompressedAndCompressedRle() {
        CocoDataset d = CocoDataset.parse(HEAD
                + "{\"id\":1,\"image_id\":1,\"category_id\":3,\"bbox\":[1,1,4,4],\"area\":16,\"iscrowd\":0,"
                + "\"segmentation\":[[1,1,5,1,5,5,1,5]]},"
                + "{\"id\":2,\"image_id\":1,\"category_id\":3,\"bbox\":[0,0,20,10],\"area\":200,\"iscrowd\":1,"
                + "\"segmentation\":{\"size\":[10,20],\"counts\":[0,200]}},"
                + "{\"id\":3,\"image_id\":1,\"category_id\":3,\"bbox\":[0,0,1,1],\"area\":1,"
                + "\"segmentation\":{\"size\":[10,20],\"counts\":\"01W6\"}}]}", "t.json");
        assertEquals(3, d.annotations().size());
        assertEquals(16, d.annotations().get(0).segmentation().toRle(10, 20).area());
        assertTrue(d.annotations().get(1).iscrowd());
        assertEquals(200, d.annotations().get(1).segmentation().toRle(10, 20).area());
        Rle r = d.annotations().get(2).segmentation().rle();
        assertArrayEquals(new int[] {0, 1, 199}, r.counts());
        assertFalse(d.annotations().get(2).iscrowd(), "iscrowd defaults to 0");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"iscrowd\":0,\"image_id\":2 | annotation 7: missing image: image_id 2",
        "\"iscrowd\":0,\"category_id\":4 | annotation 7: unknown category: category_id 4",
        "\"iscrowd\":0,\"bbox\":[1,2,3] | annotation 7: bad bbox",
        "\"iscrowd\":0,\"bbox\":[1,2,-3,4] | annotation 7: bad bbox: negative width",
        "\"segmentation\":[[1,2,3,4,5]] | annotation 7: malformed segmentation",
        "\"segmentation\":[] | annotation 7: malformed segmentation",
        "\"segmentation\":{\"size\":[10,20],\"counts\":[5,5]} | annotation 7: malformed segmentation: RLE counts sum to 10",
        "\"segmentation\":{\"size\":[10,20],\"counts\":\"0 \"} | annotation 7: malformed segmentation: compressed",
        "\"segmentation\":{\"counts\":[200]} | annotation 7 segmentation: missing \"size\"",
        "\"iscrowd\":2 | annotation 7: \"iscrowd\" must be 0 or 1",
    })
    void malformedAnnotationsNameFileIdAndReason(String fields, String message) {
        String json = ann(fields).replace("\"image_id\":1,\"category_id\":3,\"bbox\":[1,2,3,4],\"area\":12,"
                + fields, "\"area\":12,\"image_id\":1,\"category_id\":3,\"bbox\":[1,2,3,4]," + fields);
        CocoFormatException e = assertThrows(CocoFormatException.class, () -> CocoDataset.parse(json, "gt.json"));
        assertTrue(e.getMessage().startsWith("gt.json: "), e.getMessage());
        assertTrue(e.getMessage().contains(message), () -> e.getMessage() + " should contain " + message);
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void duplicateIdsAndMissingFields() {
        String dupAnn = HEAD + "{\"id\":7,\"image_id\":1,\"category_id\":3,\"bbox\":[1,2,3,4],\"area\":12},"
                + "{\"id\":7,\"image_id\":1,\"category_id\":3,\"bbox\":[1,2,3,4],\"area\":12}]}";
        assertMessage(dupAnn, "gt.json: annotation 7: duplicate annotation id");
        assertMessage(HEAD.replace("\"height\":10}]", "\"height\":10},{\"id\":1,\"width\":2,\"height\":2}]") + "]}",
                "gt.json: image 1: duplicate image id");
        assertMessage(HEAD + "{\"id\":7,\"image_id\":1,\"category_id\":3,\"bbox\":[1,2,3,4]}]}",
                "gt.json: annotation 7: missing \"area\"");
        assertMessage("{\"images\":[]}", "gt.json: top level: missing \"categories\"");
        assertMessage("{\"images\": [", "gt.json: not valid JSON");
    }

    private static void assertMessage(String json, String message) {
        CocoFormatException e = assertThrows(CocoFormatException.class, () -> CocoDataset.parse(json, "gt.json"));
        assertTrue(e.getMessage().contains(message), () -> e.getMessage() + " should contain " + message);
    }

    @Test
    void resultsFollowLoadRes() {
        CocoDataset gt = CocoDataset.parse(ann("\"iscrowd\":0"), "gt.json");
        List<CocoAnnotation> r = CocoResults.parse("[{\"image_id\":1,\"category_id\":3,\"bbox\":[1,1,2,3],"
                + "\"score\":0.5},{\"image_id\":1,\"category_id\":3,\"bbox\":[0,0,4,4],\"score\":0.25}]", "r.json", gt);
        assertEquals(2, r.size());
        assertEquals(1, r.get(0).id());
        assertEquals(2, r.get(1).id());
        assertEquals(6.0, r.get(0).area(), 0.0);
        assertEquals(0.25, r.get(1).score(), 0.0);
        // segm results without a bbox: the area and box come from the RLE
        List<CocoAnnotation> s = CocoResults.parse("[{\"image_id\":1,\"category_id\":3,\"score\":0.5,"
                + "\"segmentation\":{\"size\":[10,20],\"counts\":[12,3,185]}}]", "r.json", gt);
        assertEquals(3.0, s.get(0).area(), 0.0);
        assertArrayEquals(new double[] {1, 2, 1, 3}, s.get(0).bbox(), 0.0);
    }

    @Test
    void resultErrorsNameTheEntry() {
        CocoDataset gt = CocoDataset.parse(ann("\"iscrowd\":0"), "gt.json");
        assertResultError(gt, "{}", "r.json: a results file must be a JSON list");
        assertResultError(gt, "[{\"image_id\":5,\"category_id\":3,\"bbox\":[1,1,2,3],\"score\":1}]",
                "r.json: result 0: missing image: image_id 5");
        assertResultError(gt, "[{\"image_id\":1,\"category_id\":3,\"bbox\":[1,1,2,3],\"score\":1},"
                + "{\"image_id\":1,\"category_id\":9,\"bbox\":[1,1,2,3],\"score\":1}]",
                "r.json: result 1: unknown category: category_id 9");
        assertResultError(gt, "[{\"image_id\":1,\"category_id\":3,\"bbox\":[1,1,2,3]}]",
                "r.json: result 0: missing \"score\"");
    }

    private static void assertResultError(CocoDataset gt, String json, String message) {
        CocoFormatException e = assertThrows(CocoFormatException.class, () -> CocoResults.parse(json, "r.json", gt));
        assertTrue(e.getMessage().contains(message), () -> e.getMessage() + " should contain " + message);
    }

    @Test
    void writtenResultsReadBack(@TempDir Path dir) throws Exception {
        CocoDataset gt = CocoDataset.parse(ann("\"iscrowd\":0"), "gt.json");
        Rle mask = MaskApi.fromBbox(new double[] {2, 2, 5, 3}, 10, 20);
        List<CocoAnnotation> dets = List.of(
                new CocoAnnotation(1, 1, 3, new double[] {2, 2, 5, 3}, 15, false, 0.75, Segmentation.ofRle(mask)));
        Path f = dir.resolve("out/res.json");
        CocoResults.write(f, dets);
        List<CocoAnnotation> back = CocoResults.read(f, gt);
        assertEquals(1, back.size());
        assertEquals(mask, back.get(0).segmentation().rle());
        assertArrayEquals(new double[] {2, 2, 5, 3}, back.get(0).bbox(), 0.0);
        assertEquals(0.75, back.get(0).score(), 0.0);
        try (var files = Files.list(f.getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }
}
