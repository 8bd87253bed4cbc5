package org.rcnn4j.backend.cpu;

import java.util.stream.IntStream;
import org.rcnn4j.backend.BoxChecks;
import org.rcnn4j.backend.OpChecks;
import org.rcnn4j.tensor.Tensor;

/** torchvision.ops.box_iou, clip_boxes_to_image and remove_small_boxes, in float32 as torchvision computes them. */
final class BoxOpsCpu {
    /** Output elements per parallel task. */
    private static final int GRAIN = 1 << 14;

    private BoxOpsCpu() {
    }

    /** inter / (area1 + area2 - inter); NaN propagates as in torch.max/min/clamp (degenerate pairs give NaN). */
    static Tensor boxIou(Tensor a, Tensor b) {
        int n = BoxChecks.boxes("boxes1", a);
        int m = BoxChecks.boxes("boxes2", b);
        float[] pa = a.floats(), pb = b.floats();
        float[] area2 = new float[m];
        for (int j = 0; j < m; j++) {
            area2[j] = (pb[4 * j + 2] - pb[4 * j]) * (pb[4 * j + 3] - pb[4 * j + 1]);
        }
        float[] out = new float[n * m];
        IntStream rows = IntStream.range(0, n);
        if ((long) n * m >= GRAIN) {
            rows = rows.parallel();
        }
        rows.forEach(i -> {
            float ax1 = pa[4 * i], ay1 = pa[4 * i + 1], ax2 = pa[4 * i + 2], ay2 = pa[4 * i + 3];
            float area1 = (ax2 - ax1) * (ay2 - ay1);
            int row = i * m;
            for (int j = 0; j < m; j++) {
                float w = Math.max(Math.min(ax2, pb[4 * j + 2]) - Math.max(ax1, pb[4 * j]), 0f);
                float h = Math.max(Math.min(ay2, pb[4 * j + 3]) - Math.max(ay1, pb[4 * j + 1]), 0f);
                float inter = w * h;
                out[row + j] = inter / (area1 + area2[j] - inter);
            }
        });
        return Tensor.ofFloats(out, n, m);
    }

    /** x into [0, width], y into [0, height], for boxes of any leading shape [..., 4]; NaN stays NaN. */
    static Tensor clipBoxesToImage(Tensor boxes, int height, int width) {
        BoxChecks.boxesLastDim4("boxes", boxes);
        OpChecks.nonNegative("height", height);
        OpChecks.nonNegative("width", width);
        float[] in = boxes.floats();
        float[] out = new float[in.length];
        float w = width, h = height;
        int rows = in.length / 4;
        IntStream range = IntStream.range(0, (rows + GRAIN - 1) / GRAIN);
        if (rows >= GRAIN) {
            range = range.parallel();
        }
        range.forEach(chunk -> {
            int end = Math.min(4 * rows, 4 * (chunk + 1) * GRAIN);
            for (int i = 4 * chunk * GRAIN; i < end; i += 2) {
                out[i] = Math.min(Math.max(in[i], 0f), w);
                out[i + 1] = Math.min(Math.max(in[i + 1], 0f), h);
            }
        });
        return Tensor.ofFloats(out, boxes.shape());
    }

    /** Indices (I64, increasing) of the boxes whose width and height are both &ge; minSize. */
    static Tensor removeSmallBoxes(Tensor boxes, float minSize) {
        int n = BoxChecks.boxes("boxes", boxes);
        float[] b = boxes.floats();
        long[] keep = new long[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (b[4 * i + 2] - b[4 * i] >= minSize && b[4 * i + 3] - b[4 * i + 1] >= minSize) {
                keep[k++] = i;
            }
        }
        return Tensor.ofLongs(java.util.Arrays.copyOf(keep, k), k);
    }
}
