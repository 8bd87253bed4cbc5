package org.rcnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.tensor.Tensor;

/** Every user mistake is one line on stderr and exit code 2; the checks run before any kernel. */
class OpErrorsTest {
    @TempDir
    Path dir;

    private static Tensor boxes(float... xyxy) {
        return Tensor.ofFloats(xyxy, xyxy.length / 4, 4);
    }

    private Path nmsInput() {
        return Cli.write(dir.resolve("in.safetensors"), "boxes", boxes(0, 0, 10, 10, 1, 1, 11, 11, 20, 20, 30, 30),
                "scores", Tensor.ofFloats(new float[] {0.9f, 0.8f, 0.7f}, 3));
    }

    private Cli.Result nms(Path in, String... extra) {
        String[] base = {"op", "nms", "--in", in.toString(), "--out", dir.resolve("out.safetensors").toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Cli.run(args);
    }

    @Test
    void unknownOp() {
        Cli.run("op", "nmx", "--in", "x").assertUsageError("unknown op 'nmx'", "nms");
    }

    @Test
    void opWithoutName() {
        Cli.run("op").assertUsageError("which op?");
    }

    @Test
    void unknownOption() {
        nms(nmsInput(), "--set", "iou_threshold=0.5", "--frob").assertUsageError("unknown option '--frob'");
    }

    @Test
    void optionWithoutValue() {
        Cli.run("op", "nms", "--in").assertUsageError("--in needs a value");
    }

    @Test
    void missingInFile() {
        Cli.run("op", "nms", "--set", "iou_threshold=0.5").assertUsageError("--in");
    }

    @Test
    void nonexistentInputFile() {
        nms(dir.resolve("nope.safetensors"), "--set", "iou_threshold=0.5").assertUsageError("no such file",
                "nope.safetensors");
    }

    @Test
    void inputIsADirectory() {
        nms(dir, "--set", "iou_threshold=0.5").assertUsageError("directory");
    }

    @Test
    void garbageInputFile() throws IOException {
        Path f = dir.resolve("junk.safetensors");
        Files.write(f, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        nms(f, "--set", "iou_threshold=0.5").assertUsageError("cannot read", "junk.safetensors");
    }

    @Test
    void truncatedHeader() throws IOException {
        Path f = dir.resolve("trunc.safetensors");
        byte[] bytes = Files.readAllBytes(nmsInput());
        Files.write(f, java.util.Arrays.copyOf(bytes, 40));
        nms(f, "--set", "iou_threshold=0.5").assertUsageError("cannot read");
    }

    @Test
    void missingTensor() {
        Path in = Cli.write(dir.resolve("in.safetensors"), "boxes", boxes(0, 0, 1, 1));
        nms(in, "--set", "iou_threshold=0.5").assertUsageError("missing input tensor 'scores'");
    }

    @Test
    void unknownTensor() {
        Path in = Cli.write(dir.resolve("in.safetensors"), "boxes", boxes(0, 0, 1, 1), "scores",
                Tensor.ofFloats(new float[] {1}, 1), "score", Tensor.ofFloats(new float[] {1}, 1));
        nms(in, "--set", "iou_threshold=0.5").assertUsageError("unknown input tensor 'score'");
    }

    @Test
    void wrongShape() {
        Path in = Cli.write(dir.resolve("in.safetensors"), "boxes", Tensor.ofFloats(new float[10], 2, 5), "scores",
                Tensor.ofFloats(new float[2], 2));
        nms(in, "--set", "iou_threshold=0.5").assertUsageError("boxes: expected shape [N,4]", "[2, 5]");
    }

    @Test
    void inconsistentLengths() {
        Path in = Cli.write(dir.resolve("in.safetensors"), "boxes", boxes(0, 0, 1, 1, 0, 0, 2, 2), "scores",
                Tensor.ofFloats(new float[3], 3));
        nms(in, "--set", "iou_threshold=0.5").assertUsageError("scores: expected shape [N]", "N=2 (from boxes)");
    }

    @Test
    void wrongDtype() {
        Path in = Cli.write(dir.resolve("in.safetensors"), "boxes", Tensor.ofLongs(new long[] {0, 0, 1, 1}, 1, 4),
                "scores", Tensor.ofFloats(new float[1], 1));
        nms(in, "--set", "iou_threshold=0.5").assertUsageError("boxes: expected dtype F32");
    }

    @Test
    void mixedFloatDtypes() {
        Path in = Cli.write(dir.resolve("in.safetensors"), "boxes", boxes(0, 0, 1, 1), "scores",
                Tensor.ofDoubles(new double[1], 1));
        nms(in, "--set", "iou_threshold=0.5").assertUsageError("scores: expected the dtype of boxes (F32)");
    }

    @Test
    void nanInBoxes() {
        Path in = Cli.write(dir.resolve("in.safetensors"), "boxes", boxes(0, 0, 1, 1, 0, Float.NaN, 2, 2),
                "scores", Tensor.ofFloats(new float[2], 2));
        nms(in, "--set", "iou_threshold=0.5").assertUsageError("boxes: row 1 holds NaN");
    }

    @Test
    void infinityInBoxes() {
        Path in = Cli.write(dir.resolve("in.safetensors"), "boxes1", boxes(0, 0, Float.POSITIVE_INFINITY, 1),
                "boxes2", boxes(0, 0, 1, 1));
        Cli.run("op", "box_iou", "--in", in.toString()).assertUsageError("boxes1: row 0 holds Infinity");
    }

    @Test
    void invertedBox() {
        Path in = Cli.write(dir.resolve("in.safetensors"), "boxes", boxes(0, 0, 1, 1, 5, 5, 4, 9), "scores",
                Tensor.ofFloats(new float[2], 2));
        nms(in, "--set", "iou_threshold=0.5").assertUsageError("boxes: box 1 is inverted (x2 < x1)");
    }

    @Test
    void invertedBoxInY() {
        Path in = Cli.write(dir.resolve("in.safetensors"), "masks", Tensor.ofFloats(new float[16], 1, 1, 4, 4),
                "boxes", boxes(0, 9, 4, 5));
        Cli.run("op", "paste_masks", "--in", in.toString(), "--set", "image_height=10", "--set", "image_width=10")
                .assertUsageError("boxes: box 0 is inverted (y2 < y1)");
    }

    private Path roiInput(float batchIndex) {
        return Cli.write(dir.resolve("roi.safetensors"), "input", Tensor.ofFloats(new float[2 * 3 * 8 * 8], 2, 3, 8, 8),
                "boxes", Tensor.ofFloats(new float[] {batchIndex, 0, 0, 4, 4}, 1, 5));
    }

    @Test
    void roiBatchIndexOutOfRange() {
        Cli.run("op", "roi_align", "--in", roiInput(2).toString(), "--set", "output_size=2")
                .assertUsageError("boxes: row 0 has batch index 2.0", "[0, 2)");
    }

    @Test
    void roiBatchIndexNotAnInteger() {
        Cli.run("op", "roi_pool", "--in", roiInput(0.5f).toString(), "--set", "output_size=2")
                .assertUsageError("batch index 0.5");
    }

    @Test
    void gradOutputMustMatchOutputSize() {
        Path in = Cli.write(dir.resolve("roi.safetensors"), "input", Tensor.ofFloats(new float[3 * 8 * 8], 1, 3, 8, 8),
                "boxes", Tensor.ofFloats(new float[] {0, 0, 0, 4, 4}, 1, 5),
                "grad_output", Tensor.ofFloats(new float[3 * 2 * 2], 1, 3, 2, 2));
        Cli.run("op", "roi_align", "--in", in.toString(), "--set", "output_size=3")
                .assertUsageError("grad_output: expected shape [K,C,h,w]", "h=3 (from --set output_size)");
    }

    @Test
    void unknownSetKey() {
        nms(nmsInput(), "--set", "iou=0.5").assertUsageError("unknown --set key 'iou'", "iou_threshold");
    }

    @Test
    void missingRequiredSetKey() {
        nms(nmsInput()).assertUsageError("--set iou_threshold=... is required");
    }

    @Test
    void badSetValue() {
        nms(nmsInput(), "--set", "iou_threshold=half").assertUsageError("iou_threshold", "expected a number");
    }

    @Test
    void nonFiniteSetValue() {
        nms(nmsInput(), "--set", "iou_threshold=NaN").assertUsageError("iou_threshold", "finite");
    }

    @Test
    void setWithoutEquals() {
        nms(nmsInput(), "--set", "iou_threshold").assertUsageError("--set expects key=value");
    }

    @Test
    void setKeyTwice() {
        nms(nmsInput(), "--set", "iou_threshold=0.5", "--set", "iou_threshold=0.6").assertUsageError("given twice");
    }

    @Test
    void outputSizeMustBePositive() {
        Cli.run("op", "roi_align", "--in", roiInput(0).toString(), "--set", "output_size=0")
                .assertUsageError("output_size", ">= 1");
    }

    @Test
    void booleanValues() {
        Cli.run("op", "roi_align", "--in", roiInput(0).toString(), "--set", "output_size=2", "--set", "aligned=maybe")
                .assertUsageError("aligned", "true or false");
    }

    @Test
    void badRepeat() {
        nms(nmsInput(), "--set", "iou_threshold=0.5", "--repeat", "0").assertUsageError("--repeat");
        nms(nmsInput(), "--set", "iou_threshold=0.5", "--repeat", "many").assertUsageError("--repeat");
    }

    @Test
    void unknownDevice() {
        nms(nmsInput(), "--set", "iou_threshold=0.5", "--device", "tpu").assertUsageError("unknown device 'tpu'");
    }

    @Test
    void outputPathIsADirectory() {
        Cli.run("op", "nms", "--in", nmsInput().toString(), "--out", dir.toString(), "--set", "iou_threshold=0.5")
                .assertUsageError("cannot write", "directory");
        assertFalse(Files.exists(dir.resolve("out.safetensors")));
    }

    @Test
    void convGroupsMustDivideChannels() {
        Path in = Cli.write(dir.resolve("conv.safetensors"), "input", Tensor.ofFloats(new float[3 * 5 * 5], 1, 3, 5, 5),
                "weight", Tensor.ofFloats(new float[4 * 3 * 3 * 3], 4, 3, 3, 3));
        Cli.run("op", "conv2d", "--in", in.toString(), "--set", "groups=2")
                .assertUsageError("not divisible by groups=2");
    }

    @Test
    void convKernelLargerThanInput() {
        Path in = Cli.write(dir.resolve("conv.safetensors"), "input", Tensor.ofFloats(new float[2 * 2 * 2], 1, 2, 2, 2),
                "weight", Tensor.ofFloats(new float[2 * 3 * 3], 1, 2, 3, 3));
        Cli.run("op", "conv2d", "--in", in.toString()).assertUsageError("larger than the padded input");
    }

    @Test
    void convGradOutputShapeFollowsStride() {
        Path in = Cli.write(dir.resolve("conv.safetensors"), "input", Tensor.ofFloats(new float[2 * 8 * 8], 1, 2, 8, 8),
                "weight", Tensor.ofFloats(new float[2 * 2 * 3 * 3], 2, 2, 3, 3),
                "grad_output", Tensor.ofFloats(new float[2 * 6 * 6], 1, 2, 6, 6));
        Cli.run("op", "conv2d", "--in", in.toString(), "--set", "stride=2", "--set", "padding=1")
                .assertUsageError("grad_output", "Ho=4");
    }

    @Test
    void matmulInnerDimensions() {
        Path in = Cli.write(dir.resolve("mm.safetensors"), "input", Tensor.ofFloats(new float[6], 2, 3),
                "other", Tensor.ofFloats(new float[8], 4, 2));
        Cli.run("op", "matmul", "--in", in.toString()).assertUsageError("inner dimensions differ");
    }

    @Test
    void decodeCodesMustBeAMultipleOfFour() {
        Path in = Cli.write(dir.resolve("dec.safetensors"), "rel_codes", Tensor.ofFloats(new float[6], 1, 6),
                "boxes", boxes(0, 0, 1, 1));
        Cli.run("op", "decode_boxes", "--in", in.toString()).assertUsageError("rel_codes", "multiple of 4");
    }

    @Test
    void anchorsNeedTheirSizes() {
        Cli.run("op", "anchors", "--set", "image_height=64").assertUsageError("--set image_width=... is required");
    }

    @Test
    void anchorsTakeNoTensors() {
        Path in = Cli.write(dir.resolve("a.safetensors"), "boxes", boxes(0, 0, 1, 1));
        Cli.run("op", "anchors", "--in", in.toString(), "--set", "image_height=8", "--set", "image_width=8",
                "--set", "feature_height=2", "--set", "feature_width=2").assertUsageError("unknown input tensor 'boxes'",
                "no input tensors");
    }
}
