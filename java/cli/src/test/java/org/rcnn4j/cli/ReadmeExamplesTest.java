package org.rcnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every Java code block of README.md is quoted from a file of examples/, which CI compiles and runs
 * (.ci/run builds examples/consumer): the block must be preceded by a line
 * {@code <!-- example: PATH#REGION -->} and equal, line for line, the file's lines between
 * {@code // readme:begin REGION} and {@code // readme:end REGION} with their common indentation removed. Editing
 * one without the other fails here.
 */
class ReadmeExamplesTest {
    private static final Pattern MARKER = Pattern.compile("<!-- example: (\\S+)#(\\S+) -->");

    /** The repository root: the directory above java/cli holding README.md. */
    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("README.md")) && Files.isDirectory(p.resolve("examples"))) {
                return p;
            }
        }
        throw new IllegalStateException("no README.md with examples/ above " + dir);
    }

    /** A README code block: its first line's number (1-based), the marker before it, and its lines. */
    record Block(int line, String marker, List<String> lines) {
    }

    static List<Block> javaBlocks(List<String> readme) {
        List<Block> out = new ArrayList<>();
        for (int i = 0; i < readme.size(); i++) {
            if (!readme.get(i).strip().equals("```java")) {
                continue;
            }
            String marker = i > 0 ? readme.get(i - 1).strip() : "";
            List<String> body = new ArrayList<>();
            int j = i + 1;
            while (j < readme.size() && !readme.get(j).strip().equals("```")) {
                body.add(readme.get(j));
                j++;
            }
            if (j == readme.size()) {
                throw new IllegalStateException("README.md:" + (i + 1) + ": unterminated ```java block");
            }
            out.add(new Block(i + 1, marker, body));
            i = j;
        }
        return out;
    }

    /** The lines between the region's markers, their common indentation removed. */
    static List<String> region(Path file, String name) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int begin = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            String s = lines.get(i).strip();
            if (s.equals("// readme:begin " + name)) {
                begin = i;
            } else if (s.equals("// readme:end " + name)) {
                end = i;
            }
        }
        if (begin < 0 || end < begin) {
            throw new IllegalStateException(file + ": no region '" + name + "' (// readme:begin " + name
                    + " ... // readme:end " + name + ")");
        }
        List<String> body = new ArrayList<>(lines.subList(begin + 1, end));
        int indent = Integer.MAX_VALUE;
        for (String s : body) {
            if (!s.isBlank()) {
                indent = Math.min(indent, s.length() - s.stripLeading().length());
            }
        }
        List<String> out = new ArrayList<>();
        for (String s : body) {
            out.add(s.isBlank() ? "" : s.substring(indent));
        }
        return out;
    }

    @Test
    void everyJavaBlockOfTheReadmeIsAnExampleThatCiRuns() throws IOException {
        Path root = root();
        List<String> readme = Files.readAllLines(root.resolve("README.md"), StandardCharsets.UTF_8);
        assertTrue(javaBlocks(readme).size() >= 3, "README.md's Java blocks: the ops, the .pth detector, the builder");
        List<String> problems = problems(root, readme);
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems));
        }
    }

    /** What is wrong with {@code readme}'s Java blocks: none unquoted, each equal to its example's region. */
    static List<String> problems(Path root, List<String> readme) throws IOException {
        List<String> problems = new ArrayList<>();
        for (Block b : javaBlocks(readme)) {
            Matcher m = MARKER.matcher(b.marker());
            if (!m.matches()) {
                problems.add("README.md:" + b.line() + ": a ```java block without '<!-- example: PATH#REGION -->' on "
                        + "the line before it (quote it from a file of examples/ that CI runs)");
                continue;
            }
            Path file = root.resolve(m.group(1)).normalize();
            if (!file.startsWith(root.resolve("examples")) || !Files.isRegularFile(file)) {
                problems.add("README.md:" + (b.line() - 1) + ": " + m.group(1) + " is not a file under examples/");
                continue;
            }
            List<String> want = new ArrayList<>();
            region(file, m.group(2)).forEach(s -> want.add(s.stripTrailing()));
            List<String> got = new ArrayList<>();
            b.lines().forEach(s -> got.add(s.stripTrailing()));
            if (!want.equals(got)) {
                problems.add("README.md:" + b.line() + " differs from " + m.group(1) + "#" + m.group(2) + ": "
                        + firstDifference(want, got));
            }
        }
        return problems;
    }

    private static String firstDifference(List<String> want, List<String> got) {
        for (int i = 0; i < Math.max(want.size(), got.size()); i++) {
            String w = i < want.size() ? want.get(i) : "(end)";
            String g = i < got.size() ? got.get(i) : "(end)";
            if (!w.equals(g)) {
                return "line " + (i + 1) + " is\n  " + g + "\nin README.md but\n  " + w + "\nin the example";
            }
        }
        return "";
    }

    @Test
    void anEditedReadmeFailsTheCheck() throws IOException {
        Path root = root();
        List<String> readme = new ArrayList<>(Files.readAllLines(root.resolve("README.md"), StandardCharsets.UTF_8));
        int at = javaBlocks(readme).get(1).line();      // the first line of the second block's code
        List<String> edited = new ArrayList<>(readme);
        edited.set(at, edited.get(at).replace("detector", "d"));
        List<String> p = problems(root, edited);
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).contains("differs from examples/") && p.get(0).contains("line 1 is"), p.get(0));

        List<String> unquoted = new ArrayList<>(readme);
        unquoted.set(at - 2, "");                       // the marker line
        p = problems(root, unquoted);
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).contains("without '<!-- example: PATH#REGION -->'"), p.get(0));

        List<String> elsewhere = new ArrayList<>(readme);
        elsewhere.set(at - 2, "<!-- example: README.md#x -->");
        p = problems(root, elsewhere);
        assertTrue(p.get(0).contains("is not a file under examples/"), p.toString());
    }

    @Test
    void aRegionLosesItsIndentation() throws IOException {
        Path file = root().resolve("examples/consumer/src/main/java/org/rcnn4j/examples/consumer/DetectPhoto.java");
        List<String> region = region(file, "detect-photo");
        assertTrue(region.get(0).startsWith("try (Detector detector"), region.get(0));
        assertTrue(region.get(2).startsWith("    for (Detection d"), region.get(2));
    }
}
