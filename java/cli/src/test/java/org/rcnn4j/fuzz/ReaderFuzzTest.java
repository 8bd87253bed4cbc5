package org.rcnn4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import org.rcnn4j.coco.CocoDataset;
import org.rcnn4j.coco.CocoFormatException;
import org.rcnn4j.coco.CocoResults;
import org.rcnn4j.coco.Rle;
import org.rcnn4j.data.ImageFiles;
import org.rcnn4j.data.MaskRle;
import org.rcnn4j.detection.ModelFile;
import org.rcnn4j.io.Safetensors;
import org.rcnn4j.io.json.Json;
import org.rcnn4j.io.torch.TorchFiles;
import org.rcnn4j.train.Checkpoint;

/**
 * The fuzzing harness of issue 17: every reader gets mutations of its committed seed corpus
 * (src/test/resources/fuzz/) and must keep {@link Contract}: a result or its documented exception with a
 * one-line message naming the input, within a time limit and an allocation bound derived from the input's size.
 *
 * <p>Each property runs a fixed number of tries from a fixed seed (about 60 s in all on 2 cores), so CI is
 * bounded and a failure repeats; for a longer local run raise the tries, e.g.
 * {@code mvn -pl java test -Dtest=ReaderFuzzTest -Djqwik.tries.default=5000}, and change the seeds with
 * {@code -Drcnn4j.fuzz.salt=N}.
 */
class ReaderFuzzTest {
    /** Mixed into every try's mutation seed; 0 in CI. */
    private static final long SALT = Long.getLong("rcnn4j.fuzz.salt", 0);
    /** Allocation bound of a binary reader: this many bytes per input byte... */
    private static final long PER_BYTE = 64;
    /** ...plus this much (headers, buffers, class loading, small structures). */
    private static final long BASE = 48L << 20;

    private static final Path DIR;
    private static final List<byte[]> SAFETENSORS = SeedCorpus.load("safetensors",
            "/fixtures/boxes_nms.safetensors");
    private static final List<byte[]> PTH = SeedCorpus.load("pth", "/fixtures/pth_state_dict.zip.pth",
            "/fixtures/pth_state_dict.legacy.pth", "/fixtures/pth_evil.zip.pth", "/fixtures/pth_evil.legacy.pth");
    private static final List<byte[]> JSON = SeedCorpus.load("json", "/coco/capped.gt.json");
    private static final List<byte[]> IMAGES = SeedCorpus.load("images", "/fixtures/images/cmyk.jpg");
    private static final List<byte[]> MODELS = SeedCorpus.load("model");
    private static final List<byte[]> CHECKPOINTS = SeedCorpus.load("checkpoint");
    private static final List<String> RLE = SeedCorpus.lines("/fuzz/rle/counts.txt");
    private static final List<String> ARGV = SeedCorpus.lines("/fuzz/argv/argv.txt");
    private static final CocoDataset GT;

    static {
        try {
            DIR = Files.createTempDirectory("rcnn4j-fuzz");
            GT = CocoDataset.parse(new String(JSON.get(0), StandardCharsets.UTF_8), "gt.json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterContainer
    static void removeFiles() throws IOException {
        try (var s = Files.walk(DIR)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static Path file(String name, byte[] bytes) {
        try {
            Path p = DIR.resolve(name);
            Files.write(p, bytes);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long bound(byte[] input) {
        return PER_BYTE * input.length + BASE;
    }

    private static boolean io(Throwable t) {
        return t instanceof IOException;
    }

    // ---- the readers ----------------------------------------------------------------------------------------

    @Property(shrinking = ShrinkingMode.OFF, seed = "1701")
    void safetensors(@ForAll @IntRange(max = 1000) int seed, @ForAll long rng) {
        byte[] in = Mutations.mutate(SAFETENSORS, seed, rng ^ SALT);
        Path f = file("in.safetensors", in);
        Contract.check("safetensors", in, () -> Safetensors.read(f), ReaderFuzzTest::io, f.toString(), bound(in));
    }

    @Property(shrinking = ShrinkingMode.OFF, seed = "1702")
    void pth(@ForAll @IntRange(max = 1000) int seed, @ForAll long rng) {
        byte[] in = Mutations.mutate(PTH, seed, rng ^ SALT);
        Path f = file("in.pth", in);
        // the bound of .pth: storages may be expanded up to 4x (Materializer), records inflate up to 16x
        Contract.check("pth", in, () -> TorchFiles.read(f), ReaderFuzzTest::io, f.toString(),
                2 * 16 * bound(in));
    }

    @Property(shrinking = ShrinkingMode.OFF, seed = "1703")
    void json(@ForAll @IntRange(max = 1000) int seed, @ForAll long rng) {
        byte[] in = Mutations.mutate(JSON, seed, rng ^ SALT);
        String text = new String(in, StandardCharsets.UTF_8);
        Contract.check("json", in, () -> Json.parse(text), t -> t instanceof IllegalArgumentException
                && t.getMessage().startsWith("JSON: "), null, bound(in));
    }

    @Property(shrinking = ShrinkingMode.OFF, seed = "1704")
    void cocoGroundTruth(@ForAll @IntRange(max = 1000) int seed, @ForAll long rng) {
        byte[] in = Mutations.mutate(JSON, seed, rng ^ SALT);
        Path f = file("gt.json", in);
        Contract.check("coco", in, () -> CocoDataset.read(f), t -> t instanceof IOException
                || t instanceof CocoFormatException, f.toString(), bound(in));
    }

    @Property(shrinking = ShrinkingMode.OFF, seed = "1705")
    void cocoResults(@ForAll @IntRange(max = 1000) int seed, @ForAll long rng) {
        byte[] in = Mutations.mutate(JSON, seed, rng ^ SALT);
        String text = new String(in, StandardCharsets.UTF_8);
        Contract.check("coco results", in, () -> CocoResults.parse(text, "results.json", GT),
                t -> t instanceof CocoFormatException, "results.json", bound(in));
    }

    @Property(shrinking = ShrinkingMode.OFF, seed = "1706")
    void rle(@ForAll @IntRange(max = 1000) int seed, @ForAll long rng, @ForAll @IntRange(min = -2, max = 300) int h,
            @ForAll @IntRange(min = -2, max = 300) int w) {
        List<byte[]> seeds = new ArrayList<>();
        RLE.forEach(s -> seeds.add(s.getBytes(StandardCharsets.UTF_8)));
        byte[] in = Mutations.mutate(seeds, seed, rng ^ SALT);
        String text = new String(in, StandardCharsets.ISO_8859_1);
        Contract.check("rle string", in, () -> Rle.fromCocoString(text, h, w).decode(),
                t -> t instanceof IllegalArgumentException, null, bound(in) + 4L * Math.max(0, h) * Math.max(0, w));
        SplittableRandom r = new SplittableRandom(rng);
        List<Long> counts = new ArrayList<>();
        for (int i = r.nextInt(6); i > 0; i--) {
            counts.add(r.nextInt(4) == 0 ? r.nextLong() : r.nextLong(Math.max(1, (long) h * w + 2)));
        }
        Contract.check("rle counts", in, () -> MaskRle.decode(counts, h, w),
                t -> t instanceof IllegalArgumentException, null, BASE + 4L * Math.max(0, h) * Math.max(0, w));
    }

    @Property(shrinking = ShrinkingMode.OFF, seed = "1707", tries = 60)
    void images(@ForAll @IntRange(max = 1000) int seed, @ForAll long rng) {
        byte[] in = Mutations.mutate(IMAGES, seed, rng ^ SALT);
        Path f = file("in.img", in);
        // pixels are bounded by the file's size (ImageFiles.MAX_PIXELS_PER_BYTE); each costs ~16 bytes decoded
        long pixels = Math.min(ImageFiles.MAX_PIXELS, ImageFiles.MAX_PIXELS_PER_BYTE * in.length + (1 << 16));
        Contract.check("image", in, () -> ImageFiles.read(f), ReaderFuzzTest::io, f.toString(),
                bound(in) + 24 * pixels);
    }

    @Property(shrinking = ShrinkingMode.OFF, seed = "1708", tries = 60)
    void modelFiles(@ForAll @IntRange(max = 1000) int seed, @ForAll long rng) {
        byte[] in = Mutations.mutate(MODELS, seed, rng ^ SALT);
        Path f = file("model.safetensors", in);
        Contract.check("model file", in, () -> ModelFile.read(f), ReaderFuzzTest::io, f.toString(), bound(in));
    }

    @Property(shrinking = ShrinkingMode.OFF, seed = "1709")
    void checkpoints(@ForAll @IntRange(max = 1000) int seed, @ForAll long rng) {
        byte[] in = Mutations.mutate(CHECKPOINTS, seed, rng ^ SALT);
        Path f = file("checkpoint.safetensors", in);
        Contract.check("checkpoint", in, () -> Checkpoint.read(f), ReaderFuzzTest::io, f.toString(), bound(in));
    }

    /** Command lines: exit 0 or 2 (with one error line), never 1 (an internal error). */
    @Property(shrinking = ShrinkingMode.OFF, seed = "1710", tries = 60)
    void commandLines(@ForAll @IntRange(max = 1000) int seed, @ForAll long rng) throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        ARGV.forEach(s -> seeds.add(s.getBytes(StandardCharsets.UTF_8)));
        byte[] in = Mutations.mutate(seeds, seed, rng ^ SALT);
        List<String> argv = new ArrayList<>();
        for (String tok : new String(in, StandardCharsets.UTF_8).split(" ")) {
            argv.add(switch (tok) {
                case "IN" -> resource("/examples/nms.in.safetensors");
                case "ROI" -> resource("/examples/roi_align.in.safetensors");
                case "IOU" -> resource("/examples/box_iou.in.safetensors");
                case "IMG" -> resource("/fuzz/images/rgb.png");
                case "MODEL" -> resource("/fuzz/model/tiny_model.safetensors");
                case "OUT" -> DIR.resolve("out").toString();
                case "MISSING" -> DIR.resolve("missing").toString();
                default -> tok;
            });
        }
        if (argv.contains("--repeat") || argv.contains("demo") || argv.contains("scenes")) {
            return; // commands that legitimately run long or write much are not command-line parsing
        }
        Contract.check("command line " + argv, in, () -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code;
            try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
                code = org.rcnn4j.cli.Main.run(argv.toArray(String[]::new), o, e);
            }
            String e = err.toString(StandardCharsets.UTF_8);
            if (code == 2) {
                String[] lines = e.strip().split("\n");
                assertTrue(lines.length == 1 && lines[0].startsWith("rcnn4j: error: "), "one error line: " + e);
            } else if (code != 0) {
                throw new AssertionError("exit " + code + " for " + argv + ": " + e);
            }
        }, t -> false, null, Long.MAX_VALUE);
    }

    private static String resource(String name) {
        try {
            return Path.of(ReaderFuzzTest.class.getResource(name).toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- the seeds themselves: the valid ones must read, so mutations start from working files -------------

    @Example
    void validSeedsRead() throws Exception {
        for (String name : List.of("small.safetensors", "no_meta.safetensors")) {
            Safetensors.read(Path.of(resource("/fuzz/safetensors/" + name)));
        }
        Checkpoint.read(Path.of(resource("/fuzz/checkpoint/tiny_checkpoint.safetensors")));
        for (String name : List.of("rgb.png", "grey.png", "rgb.jpg")) {
            ImageFiles.read(Path.of(resource("/fuzz/images/" + name)));
        }
        CocoDataset gt = CocoDataset.read(Path.of(resource("/fuzz/json/gt.json")));
        CocoResults.read(Path.of(resource("/fuzz/json/results.json")), gt);
        for (String name : List.of("header.json", "values.json")) {
            Json.parse(Files.readString(Path.of(resource("/fuzz/json/" + name))));
        }
        TorchFiles.readStateDict(Path.of(resource("/fuzz/pth/state_dict.zip.pth")));
    }
}
