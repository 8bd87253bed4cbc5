package org.rcnn4j.fuzz;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.rcnn4j.autograd.Sgd;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.detection.ModelFile;
import org.rcnn4j.io.Safetensors;
import org.rcnn4j.io.json.Json;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.train.Checkpoint;
import org.rcnn4j.train.LrSchedule;
import org.rcnn4j.train.TrainRng;

/**
 * The fuzzing harness's seed corpora: committed files under src/test/resources/fuzz/&lt;reader&gt;/ (and a few
 * existing fixtures), which the mutations start from. {@code main(DIR)} rewrites the generated ones into DIR (the
 * .pth seeds come from tools/make_hostile_seeds.py, the CMYK JPEG from tools/make_image_fixtures.py).
 */
public final class SeedCorpus {
    private SeedCorpus() {
    }

    /** The seed files of one reader's corpus, by name order; the extra resources are appended. */
    static List<byte[]> load(String reader, String... extraResources) {
        List<byte[]> out = new ArrayList<>();
        try {
            Path dir = Path.of(SeedCorpus.class.getResource("/fuzz/" + reader).toURI());
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.sorted().toList()) {
                    out.add(Files.readAllBytes(p));
                }
            }
            for (String r : extraResources) {
                // core's test resources come in its test-jar (a jar inside mvn install): read through the loader
                try (java.io.InputStream in = SeedCorpus.class.getClassLoader().getResourceAsStream(r.substring(1))) {
                    if (in == null) {
                        throw new IllegalStateException("seed resource " + r + " is missing (core's test-jar)");
                    }
                    out.add(in.readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no seeds for " + reader);
        }
        return out;
    }

    /** Lines of a text seed file. */
    static List<String> lines(String resource) {
        try {
            return Files.readAllLines(Path.of(SeedCorpus.class.getResource(resource).toURI()),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "java/cli/src/test/resources/fuzz");
        Path st = Files.createDirectories(root.resolve("safetensors"));
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("boxes", Tensor.ofFloats(new float[] {0, 0, 10, 10, 5, 5, 15, 15}, 2, 4));
        t.put("idx", Tensor.ofLongs(new long[] {3, -1}, 2));
        t.put("mask", Tensor.ofBytes(new byte[] {0, 1, 1, 0}, 2, 2));
        t.put("d", Tensor.ofDoubles(new double[] {0.5}, 1));
        t.put("scalar", Tensor.ofInts(new int[] {7}));
        Safetensors.write(st.resolve("small.safetensors"), t, Map.of("op", "nms", "note", "seed"));
        Safetensors.write(st.resolve("no_meta.safetensors"), Map.of("x", Tensor.ofFloats(new float[] {1, 2, 3}, 3)),
                null);

        Path model = Files.createDirectories(root.resolve("model"));
        Safetensors.write(model.resolve("tiny_model.safetensors"), Map.of("backbone.body.0.weight",
                Tensor.ofFloats(new float[] {1, 2}, 2)), Map.of(ModelFile.MODEL_KEY, "maskrcnn_small",
                ModelFile.CLASSES_KEY, Json.write(List.of("cat", "dog"))));

        Path ck = Files.createDirectories(root.resolve("checkpoint"));
        try (CpuBackend cpu = new CpuBackend()) {
            Var w = Var.param(cpu, Tensor.ofFloats(new float[] {1, -2, 0.5f}, 3));
            Var mean = Var.param(cpu, Tensor.ofFloats(new float[] {0.1f, 0.2f, 0.3f}, 3));
            try (Sgd opt = new Sgd(List.of(w), 0.1, 0.9, 1e-4)) {
                Checkpoint.write(ck.resolve("tiny_checkpoint.safetensors"), Checkpoint.capture("tiny", 3,
                        new TrainRng(5), new LrSchedule(0.1, 0.01, 2, new int[] {4, 6}, 0.1), Map.of("fc.weight", w),
                        Map.of("bn.running_mean", mean), opt, Map.of("batch_size", "2", "seed", "0")));
            } finally {
                w.close();
                mean.close();
            }
        }

        Path img = Files.createDirectories(root.resolve("images"));
        BufferedImage rgb = new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB);
        BufferedImage grey = new BufferedImage(5, 7, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 8; x++) {
                rgb.setRGB(x, y, (x * 31) << 16 | (y * 40) << 8 | (x * y * 5));
            }
        }
        for (int y = 0; y < 7; y++) {
            for (int x = 0; x < 5; x++) {
                grey.getRaster().setSample(x, y, 0, x * 50 + y);
            }
        }
        ImageIO.write(rgb, "png", img.resolve("rgb.png").toFile());
        ImageIO.write(grey, "png", img.resolve("grey.png").toFile());
        ImageIO.write(rgb, "jpg", img.resolve("rgb.jpg").toFile());
        System.out.println("wrote seeds under " + root);
    }
}
