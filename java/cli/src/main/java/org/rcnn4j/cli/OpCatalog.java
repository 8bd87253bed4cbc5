package org.rcnn4j.cli;

import static org.rcnn4j.cli.TensorSpec.Kind.FLOAT;
import static org.rcnn4j.cli.TensorSpec.Kind.INDEX;
import static org.rcnn4j.cli.TensorSpec.Kind.OUT_FLOAT;
import static org.rcnn4j.cli.TensorSpec.Kind.OUT_INDEX;
import static org.rcnn4j.cli.TensorSpec.Values.ANY;
import static org.rcnn4j.cli.TensorSpec.Values.BOXES;
import static org.rcnn4j.cli.TensorSpec.Values.ROIS;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Conv2dGrads;
import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.backend.RoiPoolResult;

/**
 * Every op {@code rcnn4j op} runs: tensor names and --set keys are torchvision's argument names, defaults are
 * torchvision's defaults.
 */
final class Ops {
    /** BoxCoder's default clamp of dw, dh: log(1000 / 16). */
    static final String BBOX_XFORM_CLIP = Double.toString(Math.log(1000.0 / 16));

    private static final Map<String, OpSpec> OPS = build();

    /** roi_align's largest sampling_ratio: each output bin averages its square of samples. */
    static final int MAX_SAMPLING_RATIO = 64;

    private Ops() {
    }

    static OpSpec get(String name) {
        return OPS.get(name);
    }

    static List<OpSpec> all() {
        return Collections.unmodifiableList(new ArrayList<>(OPS.values()));
    }

    private static Map<String, OpSpec> build() {
        Map<String, OpSpec> m = new LinkedHashMap<>();
        for (OpSpec s : List.of(nms(), batchedNms(), boxIou(), roiAlign(), roiPool(), decodeBoxes(), encodeBoxes(),
                anchors(), anchorsLevels(), pasteMasks(), conv2d(), clipBoxes(), removeSmallBoxes(), matmul())) {
            m.put(s.name(), s);
        }
        return m;
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private static ParamSpec param(String key, String dflt, String doc, java.util.function.Function<String, Object> p) {
        return new ParamSpec(key, dflt, doc, p);
    }

    private static ParamSpec iouThreshold() {
        return param("iou_threshold", null, "discard boxes whose IoU with a kept box is > iou_threshold",
                ParamParsers.finiteFloat());
    }

    private static ParamSpec weights() {
        return param("weights", "10,10,5,5", "BoxCoder weights (wx,wy,ww,wh); the RPN uses 1,1,1,1",
                ParamParsers.positiveFloats(4));
    }

    private static OpSpec.Hook bindOutputSize() {
        return (dims, p) -> {
            int[] s = p.integers("output_size");
            dims.bind("h", s[0], "--set output_size");
            dims.bind("w", s[1], "--set output_size");
        };
    }

    // ---- boxes ----------------------------------------------------------------------------------------------

    private static OpSpec nms() {
        return new OpSpec("nms", "torchvision.ops.nms: the boxes kept, by decreasing score",
                List.of(TensorSpec.in("boxes", "[N,4]", FLOAT, BOXES, "(x1, y1, x2, y2)"),
                        TensorSpec.in("scores", "[N]", FLOAT, ANY, "one score per box")),
                List.of(iouThreshold()),
                List.of(TensorSpec.out("keep", "[K]", OUT_INDEX, "indices of the kept boxes")),
                null, null,
                c -> c.output("keep", c.phase("nms", () -> c.backend().boxes().nms(c.in("boxes"), c.in("scores"),
                        c.params().number("iou_threshold")))));
    }

    private static OpSpec batchedNms() {
        return new OpSpec("batched_nms", "torchvision.ops.batched_nms: NMS within each category of idxs",
                List.of(TensorSpec.in("boxes", "[N,4]", FLOAT, BOXES, "(x1, y1, x2, y2)"),
                        TensorSpec.in("scores", "[N]", FLOAT, ANY, "one score per box"),
                        TensorSpec.in("idxs", "[N]", INDEX, ANY, "category of each box")),
                List.of(iouThreshold()),
                List.of(TensorSpec.out("keep", "[K]", OUT_INDEX, "indices of the kept boxes")),
                null, null,
                c -> c.output("keep", c.phase("batched_nms", () -> c.backend().boxes().batchedNms(c.in("boxes"),
                        c.in("scores"), c.in("idxs"), c.params().number("iou_threshold")))));
    }

    private static OpSpec boxIou() {
        return new OpSpec("box_iou", "torchvision.ops.box_iou: pairwise IoU",
                List.of(TensorSpec.in("boxes1", "[N,4]", FLOAT, BOXES, "(x1, y1, x2, y2)"),
                        TensorSpec.in("boxes2", "[M,4]", FLOAT, BOXES, "(x1, y1, x2, y2)")),
                List.of(),
                List.of(TensorSpec.out("iou", "[N,M]", OUT_FLOAT, "IoU of every pair")),
                null, null,
                c -> c.output("iou", c.phase("box_iou", () -> c.backend().boxes().boxIou(c.in("boxes1"),
                c.in("boxes2")))));
    }

    private static OpSpec clipBoxes() {
        return new OpSpec("clip_boxes_to_image", "torchvision.ops.clip_boxes_to_image: x into [0,W], y into [0,H]",
                List.of(TensorSpec.in("boxes", "[...,4]", FLOAT, BOXES, "(x1, y1, x2, y2)")),
                List.of(param("size", null, "image size: height,width", ParamParsers.pair(0))),
                List.of(TensorSpec.out("boxes", "[...,4]", OUT_FLOAT, "clipped boxes")),
                null, null,
                c -> {
                    int[] size = c.params().integers("size");
                    c.output("boxes", c.phase("clip", () -> c.backend().boxes().clipBoxesToImage(c.in("boxes"), size[0],
                            size[1])));
                });
    }

    private static OpSpec removeSmallBoxes() {
        return new OpSpec("remove_small_boxes",
                "torchvision.ops.remove_small_boxes: the boxes with both sides >= min_size",
                List.of(TensorSpec.in("boxes", "[N,4]", FLOAT, BOXES, "(x1, y1, x2, y2)")),
                List.of(param("min_size", null, "smallest side kept", ParamParsers.nonNegativeFloat())),
                List.of(TensorSpec.out("keep", "[K]", OUT_INDEX, "indices of the boxes kept")),
                null, null,
                c -> c.output("keep", c.phase("remove_small_boxes", () -> c.backend().boxes().removeSmallBoxes(
                        c.in("boxes"), c.params().number("min_size")))));
    }

    private static OpSpec anchors() {
        return new OpSpec("anchors", "AnchorGenerator for one feature level (models.detection.anchor_utils)",
                List.of(),
                List.of(param("sizes", "128,256,512", "anchor sizes of this level", ParamParsers.positiveInts()),
                        param("aspect_ratios", "0.5,1.0,2.0", "height / width ratios",
                                ParamParsers.positiveFloats(0)),
                        param("image_height", null, "(padded) image height", ParamParsers.positiveInt()),
                        param("image_width", null, "(padded) image width", ParamParsers.positiveInt()),
                        param("feature_height", null, "feature map height", ParamParsers.positiveInt()),
                        param("feature_width", null, "feature map width", ParamParsers.positiveInt())),
                List.of(TensorSpec.out("anchors", "[H*W*A,4]", OUT_FLOAT,
                        "ordered y, x, anchor; A = len(sizes) * len(aspect_ratios)")),
                null, null,
                c -> {
                    Params p = c.params();
                    c.output("anchors", c.phase("anchors", () -> c.backend().boxes().anchors(p.integers("sizes"),
                            p.numbers("aspect_ratios"), p.integer("image_height"), p.integer("image_width"),
                            p.integer("feature_height"), p.integer("feature_width"))));
                });
    }

    private static OpSpec anchorsLevels() {
        return new OpSpec("anchors_levels", "AnchorGenerator for all feature levels in one call, levels end to end",
                List.of(),
                List.of(param("sizes", "32/64/128/256/512", "anchor sizes, levels separated by '/' (FPN: one each)",
                                ParamParsers.positiveIntsPerLevel()),
                        param("aspect_ratios", "0.5,1.0,2.0", "height / width ratios (every level)",
                                ParamParsers.positiveFloats(0)),
                        param("image_height", null, "(padded) image height", ParamParsers.positiveInt()),
                        param("image_width", null, "(padded) image width", ParamParsers.positiveInt()),
                        param("feature_heights", null, "feature map heights, one per level",
                                ParamParsers.positiveInts()),
                        param("feature_widths", null, "feature map widths, one per level",
                                ParamParsers.positiveInts())),
                List.of(TensorSpec.out("anchors", "[sum H*W*A,4]", OUT_FLOAT,
                        "level after level, each ordered y, x, anchor")),
                null, null,
                c -> {
                    Params p = c.params();
                    c.output("anchors", c.phase("anchors", () -> c.backend().boxes().anchorsForLevels(
                            p.integersPerLevel("sizes"), p.numbers("aspect_ratios"), p.integer("image_height"),
                            p.integer("image_width"), p.integers("feature_heights"), p.integers("feature_widths"))));
                });
    }

    private static OpSpec decodeBoxes() {
        return new OpSpec("decode_boxes", "BoxCoder.decode_single: boxes from regression codes",
                List.of(TensorSpec.in("rel_codes", "[K,4*C]", FLOAT, ANY, "(dx, dy, dw, dh) per class"),
                        TensorSpec.in("boxes", "[K,4]", FLOAT, BOXES, "reference boxes (anchors or proposals)")),
                List.of(weights(),
                        param("bbox_xform_clip", BBOX_XFORM_CLIP, "upper clamp of dw, dh (log(1000/16))",
                                ParamParsers.finiteFloat())),
                List.of(TensorSpec.out("boxes", "[K,4*C]", OUT_FLOAT, "decoded boxes")),
                null, null,
                c -> c.output("boxes", c.phase("decode", () -> c.backend().boxes().decodeBoxes(c.in("rel_codes"),
                        c.in("boxes"), c.params().numbers("weights"), c.params().number("bbox_xform_clip")))));
    }

    private static OpSpec encodeBoxes() {
        return new OpSpec("encode_boxes", "BoxCoder.encode_single: regression targets of boxes against proposals",
                List.of(TensorSpec.in("reference_boxes", "[K,4]", FLOAT, BOXES, "ground-truth boxes"),
                        TensorSpec.in("proposals", "[K,4]", FLOAT, BOXES, "boxes they are encoded against")),
                List.of(weights()),
                List.of(TensorSpec.out("targets", "[K,4]", OUT_FLOAT, "(dx, dy, dw, dh)")),
                null, null,
                c -> c.output("targets", c.phase("encode",
                () -> c.backend().boxes().encodeBoxes(c.in("reference_boxes"),
                        c.in("proposals"), c.params().numbers("weights")))));
    }

    // ---- RoI pooling and masks --------------------------------------------------------------------------------

    private static OpSpec roiAlign() {
        return new OpSpec("roi_align", "torchvision.ops.roi_align (and its input gradient with grad_output)",
                List.of(TensorSpec.in("input", "[N,C,H,W]", FLOAT, ANY, "feature map"),
                        TensorSpec.in("boxes", "[K,5]", FLOAT, ROIS, "(batch index, x1, y1, x2, y2)"),
                        TensorSpec.optional("grad_output", "[K,C,h,w]", FLOAT, "gradient of output: adds grad_input")),
                List.of(param("output_size", null, "h,w (or one integer)", ParamParsers.pair(1)),
                        param("spatial_scale", "1.0", "box coordinates times this give map coordinates",
                                ParamParsers.positiveFloat()),
                        param("sampling_ratio", "-1", "samples per bin side (at most 64: a bin takes its "
                                + "square); <= 0: adaptive", ParamParsers.intAtMost(MAX_SAMPLING_RATIO)),
                        param("aligned", "false", "shift boxes by -0.5 pixel", ParamParsers.bool())),
                List.of(TensorSpec.out("output", "[K,C,h,w]", OUT_FLOAT, "pooled features"),
                        TensorSpec.out("grad_input", "[N,C,H,W]", OUT_FLOAT, "with grad_output only")),
                bindOutputSize(), null,
                c -> {
                    Params p = c.params();
                    int[] size = p.integers("output_size");
                    float scale = p.number("spatial_scale");
                    int ratio = p.integer("sampling_ratio");
                    boolean aligned = p.flag("aligned");
                    Backend b = c.backend();
                    c.output("output", c.phase("forward", () -> b.roi().roiAlign(c.in("input"), c.in("boxes"), size[0],
                            size[1], scale, ratio, aligned)));
                    if (c.has("grad_output")) {
                        c.output("grad_input", c.phase("backward", () -> b.roi().roiAlignBackward(c.in("grad_output"),
                                c.in("boxes"), c.shape("input"), scale, ratio, aligned)));
                    }
                });
    }

    private static OpSpec roiPool() {
        return new OpSpec("roi_pool", "torchvision.ops.roi_pool (and its input gradient with grad_output)",
                List.of(TensorSpec.in("input", "[N,C,H,W]", FLOAT, ANY, "feature map"),
                        TensorSpec.in("boxes", "[K,5]", FLOAT, ROIS, "(batch index, x1, y1, x2, y2)"),
                        TensorSpec.optional("grad_output", "[K,C,h,w]", FLOAT, "gradient of output: adds grad_input")),
                List.of(param("output_size", null, "h,w (or one integer)", ParamParsers.pair(1)),
                        param("spatial_scale", "1.0", "box coordinates times this give map coordinates",
                                ParamParsers.positiveFloat())),
                List.of(TensorSpec.out("output", "[K,C,h,w]", OUT_FLOAT, "pooled features"),
                        TensorSpec.out("grad_input", "[N,C,H,W]", OUT_FLOAT, "with grad_output only")),
                bindOutputSize(), null,
                c -> {
                    int[] size = c.params().integers("output_size");
                    float scale = c.params().number("spatial_scale");
                    Backend b = c.backend();
                    RoiPoolResult r = c.phase("forward", () -> b.roi().roiPool(c.in("input"), c.in("boxes"), size[0],
                            size[1], scale));
                    c.output("output", r.output());
                    c.temporary(r.argmax());
                    if (c.has("grad_output")) {
                        c.output("grad_input", c.phase("backward", () -> b.roi().roiPoolBackward(c.in("grad_output"),
                                c.in("boxes"), r.argmax(), c.shape("input"))));
                    }
                });
    }

    private static OpSpec pasteMasks() {
        return new OpSpec("paste_masks", "roi_heads.paste_masks_in_image: masks resized into their boxes",
                List.of(TensorSpec.in("masks", "[K,1,M,M]", FLOAT, ANY, "mask probabilities"),
                        TensorSpec.in("boxes", "[K,4]", FLOAT, BOXES, "(x1, y1, x2, y2) in the image")),
                List.of(param("image_height", null, "image height", ParamParsers.positiveInt()),
                        param("image_width", null, "image width", ParamParsers.positiveInt()),
                        param("padding", "1", "mask border added before resizing", ParamParsers.nonNegativeInt())),
                List.of(TensorSpec.out("masks", "[K,1,H,W]", OUT_FLOAT, "pasted masks, not thresholded")),
                (dims, p) -> {
                    dims.bind("H", p.integer("image_height"), "--set image_height");
                    dims.bind("W", p.integer("image_width"), "--set image_width");
                }, null,
                c -> {
                    Params p = c.params();
                    long side = c.shape("masks")[3] + 2L * p.integer("padding");
                    if ((double) c.shape("masks")[0] * side * side > OpRunner.MAX_ELEMENTS) { // masks padded to side^2 first
                        throw new UsageException("paste_masks: --set padding=" + p.integer("padding") + " pads "
                                + "the masks to " + side + " x " + side + ", more than a tensor holds");
                    }
                    c.output("masks", c.phase("paste", () -> c.backend().roi().pasteMasks(c.in("masks"), c.in("boxes"),
                            p.integer("image_height"), p.integer("image_width"), p.integer("padding"))));
                });
    }

    // ---- convolution and dense layers -------------------------------------------------------------------------

    private static Conv2dParams convParams(Params p) {
        int[] s = p.integers("stride");
        int[] pad = p.integers("padding");
        int[] d = p.integers("dilation");
        return new Conv2dParams(s[0], s[1], pad[0], pad[1], d[0], d[1], p.integer("groups"));
    }

    private static OpSpec conv2d() {
        OpSpec.Hook derive = (dims, p) -> {
            Conv2dParams cp = convParams(p);
            int c = dims.get("C");
            int cg = dims.get("Cg");
            int o = dims.get("O");
            if (c % cp.groups() != 0) {
                throw new UsageException("input: " + c + " channels are not divisible by groups=" + cp.groups());
            }
            if (cg * cp.groups() != c) {
                throw new UsageException("weight: expected " + (c / cp.groups()) + " input channels per group "
                        + "(dimension 1 = C/groups), got " + cg);
            }
            if (o % cp.groups() != 0) {
                throw new UsageException("weight: " + o + " output channels are not divisible by groups="
                        + cp.groups());
            }
            int ho = Conv2dParams.outputSize(dims.get("H"), dims.get("kh"), cp.strideH(), cp.padH(), cp.dilationH());
            int wo = Conv2dParams.outputSize(dims.get("W"), dims.get("kw"), cp.strideW(), cp.padW(), cp.dilationW());
            if (ho <= 0 || wo <= 0) {
                throw new UsageException("conv2d: the kernel (with dilation) is larger than the padded input: output "
                        + ho + "x" + wo);
            }
            dims.bind("Ho", ho, "input, weight and --set");
            dims.bind("Wo", wo, "input, weight and --set");
        };
        return new OpSpec("conv2d", "torch.nn.functional.conv2d (and its gradients with grad_output)",
                List.of(TensorSpec.in("input", "[N,C,H,W]", FLOAT, ANY, "images or feature maps"),
                        TensorSpec.in("weight", "[O,Cg,kh,kw]", FLOAT, ANY, "filters; Cg = C / groups"),
                        TensorSpec.optional("bias", "[O]", FLOAT, "per output channel"),
                        TensorSpec.optional("grad_output", "[N,O,Ho,Wo]", FLOAT,
                                "gradient of output: adds grad_input, grad_weight (and grad_bias)")),
                List.of(param("stride", "1", "s or sh,sw", ParamParsers.pair(1)),
                        param("padding", "0", "p or ph,pw (zeros)", ParamParsers.pair(0)),
                        param("dilation", "1", "d or dh,dw", ParamParsers.pair(1)),
                        param("groups", "1", "channel groups", ParamParsers.positiveInt())),
                List.of(TensorSpec.out("output", "[N,O,Ho,Wo]", OUT_FLOAT, "convolution"),
                        TensorSpec.out("grad_input", "[N,C,H,W]", OUT_FLOAT, "with grad_output only"),
                        TensorSpec.out("grad_weight", "[O,Cg,kh,kw]", OUT_FLOAT, "with grad_output only"),
                        TensorSpec.out("grad_bias", "[O]", OUT_FLOAT, "with grad_output and bias only")),
                null, derive,
                c -> {
                    Conv2dParams cp = convParams(c.params());
                    Backend b = c.backend();
                    c.output("output", c.phase("forward", () -> b.conv().conv2d(c.in("input"), c.in("weight"),
                            c.in("bias"), cp)));
                    if (c.has("grad_output")) {
                        Conv2dGrads g = c.phase("backward", () -> b.conv().conv2dBackward(c.in("grad_output"),
                                c.in("input"), c.in("weight"), cp, c.has("bias")));
                        c.output("grad_input", g.gradInput());
                        c.output("grad_weight", g.gradWeight());
                        if (g.gradBias() != null) {
                            c.output("grad_bias", g.gradBias());
                        }
                    }
                });
    }

    private static OpSpec matmul() {
        OpSpec.Hook derive = (dims, p) -> {
            boolean ta = p.flag("transpose_input");
            boolean tb = p.flag("transpose_other");
            int k1 = ta ? dims.get("P") : dims.get("Q");
            int k2 = tb ? dims.get("S") : dims.get("R");
            if (k1 != k2) {
                throw new UsageException("other: inner dimensions differ: input gives " + k1 + ", other gives " + k2
                        + " (after transpose_input=" + ta + ", transpose_other=" + tb + ")");
            }
        };
        return new OpSpec("matmul", "matrix product op(input) @ op(other), op transposing when asked",
                List.of(TensorSpec.in("input", "[P,Q]", FLOAT, ANY, "[M,K], or [K,M] with transpose_input"),
                        TensorSpec.in("other", "[R,S]", FLOAT, ANY, "[K,N], or [N,K] with transpose_other")),
                List.of(param("transpose_input", "false", "use input transposed", ParamParsers.bool()),
                        param("transpose_other", "false", "use other transposed", ParamParsers.bool())),
                List.of(TensorSpec.out("output", "[M,N]", OUT_FLOAT, "the product")),
                null, derive,
                c -> {
                    boolean ta = c.params().flag("transpose_input");
                    boolean tb = c.params().flag("transpose_other");
                    c.output("output", c.phase("matmul", () -> c.backend().linalg().matmul(c.in("input"), c.in("other"),
                            ta, tb)));
                });
    }

    /** Names of all ops, for messages. */
    static String names() {
        return String.join(", ", OPS.keySet());
    }

    /** Used by tests: an op's output names in declaration order. */
    static List<String> outputNames(OpSpec spec) {
        List<String> names = new ArrayList<>();
        for (TensorSpec t : spec.outputs()) {
            names.add(t.name());
        }
        return names;
    }
}
