package org.rcnn4j.backend.cpu;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.rcnn4j.backend.BoxChecks;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * torchvision.ops.nms and batched_nms. Boxes are visited once in descending score order (stable); batched_nms
 * runs the same greedy pass within each idxs value, in parallel across values, with no coordinate offsets, and
 * returns the kept boxes of all values in that one order.
 */
final class NmsCpu {
    /** Boxes in all below which the classes of batched_nms run on one thread. */
    private static final int PARALLEL_MIN_BOXES = 2048;

    private NmsCpu() {
    }

    static Tensor nms(Tensor boxes, Tensor scores, float iouThreshold) {
        int n = BoxChecks.boxesAndScores(boxes, scores);
        int[] order = ScoreOrder.descending(scores.floats(), n);
        boolean[] suppressed = new boolean[n];
        // nms is batched_nms with a single class: every box, in visiting order
        suppressWithinClass(boxes.floats(), order, IntStream.range(0, n).toArray(), 0, n, iouThreshold, suppressed);
        return kept(order, suppressed);
    }

    static Tensor batchedNms(Tensor boxes, Tensor scores, Tensor idxs, float iouThreshold) {
        int n = BoxChecks.boxesAndScores(boxes, scores);
        BoxChecks.perBox("idxs", idxs, n, "boxes", DType.I64, DType.I32);
        int[] order = ScoreOrder.descending(scores.floats(), n);

        // dense class ids; members of each class listed contiguously, in visiting order
        long[] label = new long[n];
        for (int p = 0; p < n; p++) {
            label[p] = idxs.getLong(order[p]);
        }
        long[] distinct = label.clone();
        Arrays.sort(distinct);
        int classes = 0;
        for (int i = 0; i < n; i++) {
            if (i == 0 || distinct[i] != distinct[i - 1]) {
                distinct[classes++] = distinct[i];
            }
        }
        int[] classStart = new int[classes + 1];
        int[] classOf = new int[n];
        for (int p = 0; p < n; p++) {
            classOf[p] = Arrays.binarySearch(distinct, 0, classes, label[p]);
            classStart[classOf[p] + 1]++;
        }
        for (int c = 0; c < classes; c++) {
            classStart[c + 1] += classStart[c];
        }
        int[] members = new int[n];
        int[] fill = Arrays.copyOf(classStart, classes);
        for (int p = 0; p < n; p++) {
            members[fill[classOf[p]]++] = p;
        }

        float[] b = boxes.floats();
        boolean[] suppressed = new boolean[n];
        IntStream range = IntStream.range(0, classes);
        if (n >= PARALLEL_MIN_BOXES && classes > 1) {
            range = range.parallel();
        }
        range.forEach(c -> suppressWithinClass(b, order, members, classStart[c], classStart[c + 1], iouThreshold,
                suppressed));
        return kept(order, suppressed);
    }

    private static void suppressWithinClass(float[] b, int[] order, int[] members, int from, int to,
            float iouThreshold, boolean[] suppressed) {
        int m = to - from;
        float[] x1 = new float[m], y1 = new float[m], x2 = new float[m], y2 = new float[m];
        for (int k = 0; k < m; k++) {
            int i = 4 * order[members[from + k]];
            x1[k] = b[i];
            y1[k] = b[i + 1];
            x2[k] = b[i + 2];
            y2[k] = b[i + 3];
        }
        boolean[] local = new boolean[m];
        GreedyNms.run(x1, y1, x2, y2, m, iouThreshold, local);
        for (int k = 0; k < m; k++) {
            if (local[k]) {
                suppressed[members[from + k]] = true;
            }
        }
    }

    /** Original indices of the boxes not suppressed, in visiting order. */
    private static Tensor kept(int[] order, boolean[] suppressed) {
        int n = order.length;
        int k = 0;
        for (int p = 0; p < n; p++) {
            if (!suppressed[p]) {
                k++;
            }
        }
        long[] keep = new long[k];
        k = 0;
        for (int p = 0; p < n; p++) {
            if (!suppressed[p]) {
                keep[k++] = order[p];
            }
        }
        return Tensor.ofLongs(keep, keep.length);
    }
}
