package org.rcnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.backend.Conv2dGrads;
import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.backend.RoiPoolResult;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.TensorAssert;

/**
 * Each op through the CLI (files in, files out) gives exactly what the CPU backend gives when called directly:
 * the CLI passes the right tensors and parameters and writes what it got.
 */
class OpsOnCpuTest {
    @TempDir
    Path dir;

    private final RandomTensors random = new RandomTensors();
    private final CpuBackend cpu = new CpuBackend();

    private Map<String, Tensor> run(String op, Object[] inputs, String... sets) {
        Path in = Cli.write(dir.resolve(op + ".in.safetensors"), inputs);
        Path out = dir.resolve(op + ".out.safetensors");
        String[] args = new String[6 + 2 * sets.length];
        args[0] = "op";
        args[1] = op;
        args[2] = "--in";
        args[3] = in.toString();
        args[4] = "--out";
        args[5] = out.toString();
        for (int i = 0; i < sets.length; i++) {
            args[6 + 2 * i] = "--set";
            args[7 + 2 * i] = sets[i];
        }
        Cli.run(args).assertOk();
        return Cli.read(out);
    }

    private void same(Map<String, Tensor> got, Object... nameTensor) {
        Map<String, Tensor> expected = new LinkedHashMap<>();
        for (int i = 0; i < nameTensor.length; i += 2) {
            expected.put((String) nameTensor[i], (Tensor) nameTensor[i + 1]);
        }
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(got.keySet()), "outputs, seed " + random.seed());
        expected.forEach((k, v) -> TensorAssert.assertExact(k + " (seed " + random.seed() + ")", v, got.get(k)));
    }

    private Tensor rois(int k, int batch, float width, float height) {
        Tensor b = random.boxes(k, width, height, 1f);
        float[] r = new float[k * 5];
        for (int i = 0; i < k; i++) {
            r[5 * i] = random.random().nextInt(batch);
            System.arraycopy(b.floats(), 4 * i, r, 5 * i + 1, 4);
        }
        return Tensor.ofFloats(r, k, 5);
    }

    @Test
    void nms() {
        Tensor b = random.boxes(200, 100, 100, 5);
        Tensor s = random.uniform(0, 1, 200);
        same(run("nms", new Object[] {"boxes", b, "scores", s}, "iou_threshold=0.3"), "keep", cpu.boxes().nms(b, s,
                0.3f));
    }

    @Test
    void batchedNms() {
        Tensor b = random.boxes(200, 100, 100, 5);
        Tensor s = random.uniform(0, 1, 200);
        long[] idx = new long[200];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = random.random().nextInt(4);
        }
        Tensor idxs = Tensor.ofLongs(idx, 200);
        same(run("batched_nms", new Object[] {"boxes", b, "scores", s, "idxs", idxs}, "iou_threshold=0.5"), "keep",
                cpu.boxes().batchedNms(b, s, idxs, 0.5f));
    }

    @Test
    void boxIou() {
        Tensor a = random.boxes(13, 50, 40, 1);
        Tensor b = random.boxes(17, 50, 40, 1);
        same(run("box_iou", new Object[] {"boxes1", a, "boxes2", b}), "iou", cpu.boxes().boxIou(a, b));
    }

    @Test
    void clipAndRemoveSmall() {
        Tensor b = random.boxes(30, 120, 90, 0.5f);
        same(run("clip_boxes_to_image", new Object[] {"boxes", b}, "size=60,80"), "boxes",
                cpu.boxes().clipBoxesToImage(b, 60, 80));
        same(run("remove_small_boxes", new Object[] {"boxes", b}, "min_size=20"), "keep",
                cpu.boxes().removeSmallBoxes(b, 20f));
    }

    @Test
    void roiAlignWithGradient() {
        Tensor x = random.normal(2, 3, 12, 16);
        Tensor r = rois(9, 2, 32, 24);
        Tensor g = random.normal(9, 3, 4, 3);
        Map<String, Tensor> got = run("roi_align", new Object[] {"input", x, "boxes", r, "grad_output", g},
                "output_size=4,3", "spatial_scale=0.5", "sampling_ratio=2", "aligned=true");
        same(got, "output", cpu.roi().roiAlign(x, r, 4, 3, 0.5f, 2, true), "grad_input",
                cpu.roi().roiAlignBackward(g, r, x.shape(), 0.5f, 2, true));
    }

    @Test
    void roiPoolWithGradient() {
        Tensor x = random.normal(2, 3, 12, 16);
        Tensor r = rois(9, 2, 32, 24);
        Tensor g = random.normal(9, 3, 3, 3);
        RoiPoolResult expected = cpu.roi().roiPool(x, r, 3, 3, 0.5f);
        Map<String, Tensor> got = run("roi_pool", new Object[] {"input", x, "boxes", r, "grad_output", g},
                "output_size=3", "spatial_scale=0.5");
        same(got, "output", expected.output(), "grad_input",
                cpu.roi().roiPoolBackward(g, r, expected.argmax(), x.shape()));
    }

    @Test
    void boxCoder() {
        Tensor ref = random.boxes(20, 100, 80, 2);
        Tensor codes = random.normal(20, 8);
        float[] w = {1, 1, 1, 1};
        same(run("decode_boxes", new Object[] {"rel_codes", codes, "boxes", ref}, "weights=1,1,1,1",
                "bbox_xform_clip=2.5"), "boxes", cpu.boxes().decodeBoxes(codes, ref, w, 2.5f));
        Tensor gt = random.boxes(20, 100, 80, 2);
        same(run("encode_boxes", new Object[] {"reference_boxes", gt, "proposals", ref}), "targets",
                cpu.boxes().encodeBoxes(gt, ref, new float[] {10, 10, 5, 5}));
    }

    @Test
    void anchors() {
        Path out = dir.resolve("anchors.safetensors");
        Cli.run("op", "anchors", "--out", out.toString(), "--set", "sizes=32,64", "--set", "aspect_ratios=0.5,1,2",
                "--set", "image_height=100", "--set", "image_width=150", "--set", "feature_height=13", "--set",
                "feature_width=19").assertOk();
        same(Cli.read(out), "anchors", cpu.boxes().anchors(new int[] {32, 64}, new float[] {0.5f, 1, 2}, 100, 150, 13,
                19));
    }

    @Test
    void anchorsLevels() {
        Path out = dir.resolve("anchors_levels.safetensors");
        Cli.run("op", "anchors_levels", "--out", out.toString(), "--set", "sizes=32,40/64/128", "--set",
                "aspect_ratios=0.5,1,2", "--set", "image_height=100", "--set", "image_width=150", "--set",
                "feature_heights=25,13,7", "--set", "feature_widths=38,19,10").assertOk();
        same(Cli.read(out), "anchors", cpu.boxes().anchorsForLevels(new int[][] {{32, 40}, {64}, {128}},
                new float[] {0.5f, 1, 2}, 100, 150, new int[] {25, 13, 7}, new int[] {38, 19, 10}));
    }

    @Test
    void pasteMasks() {
        Tensor m = random.uniform(0, 1, 4, 1, 14, 14);
        Tensor b = random.boxes(4, 40, 30, 3);
        same(run("paste_masks", new Object[] {"masks", m, "boxes", b}, "image_height=30", "image_width=40"), "masks",
                cpu.roi().pasteMasks(m, b, 30, 40, 1));
    }

    @Test
    void conv2dWithGradients() {
        Tensor x = random.normal(2, 4, 9, 11);
        Tensor w = random.normal(6, 2, 3, 3);
        Tensor bias = random.normal(6);
        Conv2dParams p = new Conv2dParams(2, 1, 1, 2, 1, 2, 2);
        Tensor y = cpu.conv().conv2d(x, w, bias, p);
        Tensor g = random.normal(y.shape());
        Conv2dGrads grads = cpu.conv().conv2dBackward(g, x, w, p, true);
        Map<String, Tensor> got = run("conv2d", new Object[] {"input", x, "weight", w, "bias", bias, "grad_output", g},
                "stride=2,1", "padding=1,2", "dilation=1,2", "groups=2");
        same(got, "output", y, "grad_input", grads.gradInput(), "grad_weight", grads.gradWeight(), "grad_bias",
                grads.gradBias());
    }

    @Test
    void matmul() {
        Tensor a = random.normal(7, 5);
        Tensor b = random.normal(6, 7);
        same(run("matmul", new Object[] {"input", a, "other", b}, "transpose_input=true", "transpose_other=true"),
                "output", cpu.linalg().matmul(a, b, true, true));
    }
}
