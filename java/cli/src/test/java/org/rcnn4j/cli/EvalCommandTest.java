package org.rcnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.io.Json;

class EvalCommandTest {
    @TempDir
    Path dir;

    private Path resource(String name) throws IOException {
        Path f = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("/coco/" + name)) {
            Files.copy(in, f);
        }
        return f;
    }

    @SuppressWarnings("unchecked")
    private List<Object> expectedSummary(String type) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/coco/mixed.expected.json")) {
            Map<String, Object> m = (Map<String, Object>) Json.parse(new String(in.readAllBytes()));
            return (List<Object>) ((Map<String, Object>) m.get(type)).get("summary");
        }
    }

    @Test
    void printsPycocotoolsSummaryForBboxAndSegm() throws IOException {
        Path gt = resource("mixed.gt.json");
        for (String type : new String[] {"bbox", "segm"}) {
            Path res = resource("mixed." + type + ".results.json");
            Cli.Result r = Cli.run("eval", "--gt", gt.toString(), "--results", res.toString(), "--iou-type", type)
                    .assertOk();
            List<String> lines = r.out().lines().toList();
            assertEquals(expectedSummary(type), lines, type);
        }
    }

    @Test
    void perClassAddsOneLinePerCategory() throws IOException {
        Cli.Result r = Cli.run("eval", "--gt=" + resource("mixed.gt.json"),
                "--results=" + resource("mixed.bbox.results.json"), "--per-class").assertOk();
        List<String> lines = r.out().lines().toList();
        assertEquals(12 + 1 + 4, lines.size(), r.out());
        assertTrue(lines.get(13).matches("\\s+1\\s+class1\\s+0\\.\\d{3}"), lines.get(13));
        assertTrue(lines.get(16).matches("\\s+99\\s+unused\\s+n/a"), lines.get(16));
    }

    @Test
    void errorsAreOneLineWithExitCode2() throws IOException {
        Path gt = resource("mixed.gt.json");
        Path res = resource("mixed.bbox.results.json");
        Cli.run("eval", "--results", res.toString()).assertUsageError("--gt is required");
        Cli.run("eval", "--gt", gt.toString(), "--results", res.toString(), "--iou-type", "keypoints")
                .assertUsageError("--iou-type must be bbox or segm");
        Cli.run("eval", "--gt", dir.resolve("nope.json").toString(), "--results", res.toString())
                .assertUsageError("no such file", "nope.json");
        Cli.run("eval", "--gt", gt.toString(), "--results", res.toString(), "--bogus")
                .assertUsageError("unexpected argument '--bogus'");
        Path bad = Files.writeString(dir.resolve("bad.json"),
                "[{\"image_id\":100,\"category_id\":42,\"bbox\":[0,0,1,1],\"score\":1}]");
        Cli.run("eval", "--gt", gt.toString(), "--results", bad.toString())
                .assertUsageError("bad.json: result 0: unknown category: category_id 42");
        Path notJson = Files.writeString(dir.resolve("gt.json"), "{\"images\": [");
        Cli.run("eval", "--gt", notJson.toString(), "--results", res.toString())
                .assertUsageError("gt.json: not valid JSON");
    }

    @Test
    void helpMentionsEval() {
        assertTrue(Cli.run("--help").assertOk().out().contains("eval --gt GT.json"));
        assertTrue(Cli.run("eval", "--help").assertOk().out().startsWith("usage: rcnn4j eval"));
    }
}
