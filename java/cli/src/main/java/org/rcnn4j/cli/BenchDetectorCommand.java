package org.rcnn4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.rcnn4j.autograd.Autograd;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.autograd.Sgd;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Backends;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.detection.DetectionPostprocess;
import org.rcnn4j.detection.DetectionTargets;
import org.rcnn4j.detection.Detections;
import org.rcnn4j.detection.GeneralizedRcnn;
import org.rcnn4j.detection.ImageDetections;
import org.rcnn4j.detection.ImageList;
import org.rcnn4j.detection.MaskRcnn;
import org.rcnn4j.detection.MaskInference;
import org.rcnn4j.detection.ModelOptions;
import org.rcnn4j.detection.Models;
import org.rcnn4j.detection.MultiScaleRoIAlignFunction;
import org.rcnn4j.detection.RcnnConfig;
import org.rcnn4j.detection.RegionProposalNetwork;
import org.rcnn4j.detection.RoiHeads;
import org.rcnn4j.detection.TransformPostprocess;
import org.rcnn4j.detection.backbone.BackboneWithFpn;
import org.rcnn4j.io.Safetensors;
import org.rcnn4j.tensor.Tensor;

/**
 * {@code bench-detector}: times inference of maskrcnn_resnet50_fpn (random weights from a fixed seed, eval mode)
 * on a backend (the CPU by default), stage by stage (transform, backbone, rpn, box heads + postprocess, mask branch, paste),
 * then the whole {@link GeneralizedRcnn#detect} call once (after warm-up detect calls). Prints one
 * {@code time <stage> <median ms>} line per stage and the detection count, for benchmarks/maskrcnn_compare.py;
 * with {@code --train-steps N}, also N training steps (losses, backward, SGD) on the image with three target
 * objects, their median as {@code time train_step}. On CUDA each stage ends with a synchronize, so its time is
 * the device's.
 * Options: {@link #help()}.
 */
final class BenchDetectorCommand {
    private static final Set<String> VALUED = Set.of("--in", "--height", "--width", "--seed", "--warmup",
            "--repeat", "--score-thresh", "--device", "--train-steps", "--min-size", "--max-size");

    private BenchDetectorCommand() {
    }

    static String help() {
        return """
                usage: rcnn4j bench-detector [--in IMAGE.safetensors] [--height H] [--width W] [--seed S]
                                             [--warmup N] [--repeat N] [--score-thresh T] [--device D]
                                             [--train-steps N] [--min-size S] [--max-size S]

                Times inference of maskrcnn_resnet50_fpn (random weights from --seed, eval mode) on a backend
                (--device: cpu, cuda, cuda:N, cuda-emu; default cpu), stage by stage: transform, backbone, rpn, box
                heads + postprocess, mask branch, paste.
                Then the whole detect() call once, as a check that the stages add up. Prints one
                "time <stage> <median ms>" line per stage and the detection count (benchmarks/maskrcnn_compare.py
                reads them). Give the JVM room: RCNN4J_JAVA_OPTS=-Xmx8g.
                  --in FILE         the image: tensor "image", F32 [3,H,W]; default uniform noise from --seed
                  --height H        noise image height; default 800
                  --width W         noise image width; default 1216
                  --seed S          weights and noise; default 0
                  --warmup N        untimed detect() calls first; default 1
                  --repeat N        timed staged runs (the median is printed); default 2
                  --score-thresh T  box_score_thresh; default 0.05
                  --device D        the backend; default cpu
                  --min-size S      the transform's min_size; default 800 (torchvision's)
                  --max-size S      the transform's max_size; default 1333
                  --train-steps N   then N timed training steps (losses, backward, SGD with lr 0.001, one untimed
                                    first): "time train_step <median ms>"; default 0
                """;
    }

    static int run(List<String> args, PrintStream out) {
        CommandArgs a = CommandArgs.parse("bench-detector", args, VALUED, Set.of(), false);
        if (a.help()) {
            out.print(help());
            return Main.OK;
        }
        int h = a.intIn("--height", 800, 1, 100_000);
        int w = a.intIn("--width", 1216, 1, 100_000);
        long seed = a.longOf("--seed", 0);
        int warmup = a.intIn("--warmup", 1, 0, 1_000_000);
        int repeat = a.intIn("--repeat", 2, 1, 1_000_000);
        float scoreThresh = (float) a.doubleIn("--score-thresh", 0.05, 0, 1);
        Tensor image;
        Path in = a.path("--in");
        if (in != null) {
            try {
                image = Safetensors.read(in).get("image");
            } catch (IOException e) {
                throw new UsageException("bench-detector: --in: cannot read " + in + ": " + e.getMessage());
            }
            if (image == null) {
                throw new UsageException("bench-detector: --in: " + in + " has no tensor named 'image'");
            }
        } else {
            image = randomImage(h, w, seed);
        }
        int trainSteps = a.intIn("--train-steps", 0, 0, 1_000_000);
        int minSize = a.intIn("--min-size", 800, 1, 100_000);
        int maxSize = a.intIn("--max-size", 1333, 1, 100_000);
        String device = a.string("--device", null);
        try (Backend backend = device == null ? new CpuBackend() : Backends.create(device)) {
            return bench(out, backend, image, seed, warmup, repeat, build(scoreThresh, minSize, maxSize), trainSteps);
        }
    }

    private static int bench(PrintStream out, Backend cpu, Tensor image, long seed, int warmup, int repeat,
            GeneralizedRcnn model, int trainSteps) {
        float scoreThresh = model.config().boxScoreThresh();
        model.initialize(seed).to(cpu);
        model.eval();
        out.printf("model maskrcnn_resnet50_fpn image %s score_thresh %s threads %d device %s%n",
                Arrays.toString(image.shape()), scoreThresh,
                java.util.concurrent.ForkJoinPool.commonPool().getParallelism(), cpu.describe());
        List<Tensor> images = List.of(image);
        for (int i = 0; i < warmup; i++) {
            long t0 = System.nanoTime();
            List<ImageDetections> d = model.detect(images);
            out.printf("warm-up %d: detect %.0f ms, %d detections%n", i, (System.nanoTime() - t0) / 1e6,
                    d.get(0).count());
        }
        // timed: the kernels' compiled vector forms, as a long-running program runs them
        cpu.awaitWarmUp(Duration.ofSeconds(60));
        Map<String, double[]> times = new LinkedHashMap<>();
        int count = -1;
        for (int k = 0; k < repeat; k++) {
            Map<String, Double> t = new LinkedHashMap<>();
            count = staged(model, cpu, images, t);
            int run = k;
            t.forEach((name, ms) -> times.computeIfAbsent(name, n -> new double[repeat])[run] = ms);
            out.printf("run %d %s%n", k, t);
        }
        // the public entry point once more, as a check that the stages add up to it
        long t0 = System.nanoTime();
        List<ImageDetections> d = model.detect(images);
        double detectMs = (System.nanoTime() - t0) / 1e6;
        if (d.get(0).count() != count) {
            throw new IllegalStateException("staged run found " + count + " detections, detect() "
                    + d.get(0).count());
        }
        times.put("detect_total", new double[] {detectMs});
        out.println("detections " + count);
        if (trainSteps > 0) {
            times.put("train_step", trainSteps(model, cpu, image, seed, trainSteps, out));
        }
        times.forEach((name, v) -> out.printf("time %s %.1f%n", name, median(v)));
        model.release();
        return Main.OK;
    }

    /**
     * One untimed, then {@code steps} timed training steps (train mode; losses on the image with three target
     * objects; backward; an SGD step), as torchvision's reference training loop does; their times in ms.
     */
    private static double[] trainSteps(GeneralizedRcnn model, Backend backend, Tensor image, long seed, int steps,
            PrintStream out) {
        int h = image.size(1);
        int w = image.size(2);
        float[] boxes = new float[12];
        byte[] masks = new byte[3 * h * w];
        for (int g = 0; g < 3; g++) {
            int x1 = w * (1 + 3 * g) / 12;
            int y1 = h * (1 + 2 * g) / 10;
            int x2 = x1 + w / 4;
            int y2 = y1 + h / 3;
            boxes[4 * g] = x1;
            boxes[4 * g + 1] = y1;
            boxes[4 * g + 2] = x2;
            boxes[4 * g + 3] = y2;
            for (int y = y1; y < y2; y++) {
                for (int x = x1; x < x2; x++) {
                    masks[(g * h + y) * w + x] = 1;
                }
            }
        }
        DetectionTargets target = new DetectionTargets(Tensor.ofFloats(boxes, 3, 4), Tensor.ofLongs(
                new long[] {1, 18, 62}, 3), Tensor.ofBytes(masks, 3, h, w));
        model.train(true);
        double[] ms = new double[steps];
        try (Sgd sgd = new Sgd(new ArrayList<>(model.trainableVars().values()), 0.001, 0.9, 1e-4)) {
            for (int k = -1; k < steps; k++) {
                backend.synchronize();
                long t0 = System.nanoTime();
                double total = 0;
                try (Scope scope = Scope.open()) {
                    Var loss = null;
                    for (Var l : model.losses(List.of(image), List.of(target), seed + k).values()) {
                        loss = loss == null ? l : org.rcnn4j.nn.functional.TensorMath.add(loss, l);
                    }
                    loss.backward();
                    total = loss.item();
                    sgd.step();
                    sgd.zeroGrad();
                }
                backend.synchronize();
                if (k >= 0) {
                    ms[k] = (System.nanoTime() - t0) / 1e6;
                }
                out.printf(java.util.Locale.ROOT, "train step %d: loss %.4f, %.0f ms%n", k, total,
                        (System.nanoTime() - t0) / 1e6);
            }
        }
        model.eval();
        return ms;
    }

    private static GeneralizedRcnn build(float scoreThresh, int minSize, int maxSize) {
        ModelOptions o = ModelOptions.defaults();
        return MaskRcnn.builder(new BackboneWithFpn(o.norm(), o.trainableBackboneLayers()))
                .numClasses(Models.COCO_NUM_CLASSES).boxScoreThresh(scoreThresh).minSize(minSize).maxSize(maxSize)
                .build();
    }

    /** detect() taken apart with the model's public pieces, timing each stage; returns the detection count. */
    private static int staged(GeneralizedRcnn model, Backend backend, List<Tensor> images, Map<String, Double> t) {
        RcnnConfig config = model.config();
        try (Autograd.NoGrad ng = Autograd.noGrad(); Scope scope = Scope.open()) {
            long t0 = System.nanoTime();
            ImageList il = model.transform().forward(images);
            long t1 = lap(backend, t, "transform", t0);
            LinkedHashMap<String, Var> features = model.backbone().forward(Var.fromHost(backend, il.tensors()));
            long t2 = lap(backend, t, "backbone", t1);
            RegionProposalNetwork.Output proposals = model.rpn().forward(il, new ArrayList<>(features.values()),
                    null, config, 0);
            long t3 = lap(backend, t, "rpn", t2);
            RoiHeads heads = model.roiHeads();
            List<int[]> sizes = List.of(il.imageSizes());
            List<Var> levels = new ArrayList<>();
            for (String name : List.of("0", "1", "2", "3")) {
                levels.add(features.get(name));
            }
            Var[] pred = heads.boxPredictor().forward(heads.boxHead().forward(
                    MultiScaleRoIAlignFunction.forward(levels, proposals.proposals(), sizes, 7, 2)));
            long t4 = lap(backend, t, "box_heads", t3);
            List<Detections> dets = DetectionPostprocess.postprocess(backend, pred[0].value(), pred[1].value(),
                    proposals.proposals(), sizes, config.boxScoreThresh(), config.boxNmsThresh(),
                    config.boxDetectionsPerImg());
            long t5 = lap(backend, t, "box_postprocess", t4);
            Detections d = dets.get(0);
            int count = d.boxes().shape()[0];
            long t6 = t5;
            Tensor probs = null;
            if (count > 0) {
                Var logits = heads.maskPredictor().forward(heads.maskHead().forward(
                        MultiScaleRoIAlignFunction.forward(levels, List.of(d.boxes()), sizes, 14, 2)));
                probs = MaskInference.probabilities(backend, logits.value(), List.of(d.labels())).get(0);
                t6 = lap(backend, t, "mask_branch", t5);
            } else {
                t.put("mask_branch", 0.0);
            }
            int[] original = {images.get(0).size(1), images.get(0).size(2)};
            Tensor boxes = TransformPostprocess.resizeBoxes(backend, d.boxes(), il.imageSizes()[0], original);
            if (probs != null) {
                TransformPostprocess.pasteMasks(backend, probs, boxes, original);
            }
            lap(backend, t, "paste_masks", t6);
            t.put("staged_total", (System.nanoTime() - t0) / 1e6);
            return count;
        }
    }

    private static long lap(Backend backend, Map<String, Double> t, String name, long since) {
        backend.synchronize();  // the stage's queued device work counts as the stage's (no-op on the CPU)
        long now = System.nanoTime();
        t.put(name, (now - since) / 1e6);
        return now;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Uniform [0, 1) pixels from {@code seed}, when no --in is given. */
    private static Tensor randomImage(int h, int w, long seed) {
        float[] px = new float[3 * h * w];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) r.nextDouble();
        }
        return Tensor.ofFloats(px, 3, h, w);
    }
}
