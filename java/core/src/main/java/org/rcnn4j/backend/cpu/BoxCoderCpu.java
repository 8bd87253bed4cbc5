package org.rcnn4j.backend.cpu;

import java.util.stream.IntStream;
import org.rcnn4j.backend.BoxChecks;
import org.rcnn4j.tensor.Tensor;

/** BoxCoder.decode_single and encode_single in float32, in torchvision's order of operations. */
final class BoxCoderCpu {
    /** Boxes per parallel task. */
    private static final int GRAIN = 4096;

    private BoxCoderCpu() {
    }

    static Tensor decode(Tensor relCodes, Tensor boxes, float[] weights, float bboxXformClip) {
        int c = BoxChecks.decode(relCodes, boxes, weights, bboxXformClip);
        int k = boxes.size(0);
        float[] rel = relCodes.floats(), b = boxes.floats();
        float[] out = new float[rel.length];
        float wx = weights[0], wy = weights[1], ww = weights[2], wh = weights[3];
        chunks(k).forEach(chunk -> {
            int first = chunk * GRAIN;
            int end = Math.min(k, first + GRAIN);
            // dw, dh of every code of the chunk, then their exponentials in one vector pass (ExpF32: the floats
            // (float) Math.exp gives), then the boxes
            int codes = (end - first) * c;
            double[][] scratch = SCRATCH.get();
            double[] x = grow(scratch, 0, 2 * codes);
            double[] e = grow(scratch, 1, 2 * codes);
            for (int j = 4 * c * first, q = 0; q < 2 * codes; j += 4, q += 2) {
                x[q] = Math.min(rel[j + 2] / ww, bboxXformClip);
                x[q + 1] = Math.min(rel[j + 3] / wh, bboxXformClip);
            }
            ExpF32.approximate(x, e, 2 * codes);
            int q = 0;
            for (int i = first; i < end; i++) {
                float width = b[4 * i + 2] - b[4 * i];
                float height = b[4 * i + 3] - b[4 * i + 1];
                float ctrX = b[4 * i] + 0.5f * width;
                float ctrY = b[4 * i + 1] + 0.5f * height;
                for (int j = 4 * c * i, rowEnd = j + 4 * c; j < rowEnd; j += 4, q += 2) {
                    float dx = rel[j] / wx;
                    float dy = rel[j + 1] / wy;
                    float pcx = dx * width + ctrX;
                    float pcy = dy * height + ctrY;
                    float halfW = 0.5f * (ExpF32.finish(x[q], e[q]) * width);
                    float halfH = 0.5f * (ExpF32.finish(x[q + 1], e[q + 1]) * height);
                    out[j] = pcx - halfW;
                    out[j + 1] = pcy - halfH;
                    out[j + 2] = pcx + halfW;
                    out[j + 3] = pcy + halfH;
                }
            }
        });
        return Tensor.ofFloats(out, relCodes.shape());
    }

    /** Per-thread buffers of the decode's exponent pass (a chunk's dw, dh and their exponentials). */
    private static final ThreadLocal<double[][]> SCRATCH = ThreadLocal.withInitial(() -> new double[2][0]);

    private static double[] grow(double[][] scratch, int which, int size) {
        if (scratch[which].length < size) {
            scratch[which] = new double[size];
        }
        return scratch[which];
    }

    static Tensor encode(Tensor referenceBoxes, Tensor proposals, float[] weights) {
        int k = BoxChecks.encode(referenceBoxes, proposals, weights);
        float[] g = referenceBoxes.floats(), p = proposals.floats();
        float[] out = new float[4 * k];
        float wx = weights[0], wy = weights[1], ww = weights[2], wh = weights[3];
        chunks(k).forEach(chunk -> {
            for (int i = chunk * GRAIN, end = Math.min(k, i + GRAIN); i < end; i++) {
                int o = 4 * i;
                float exW = p[o + 2] - p[o];
                float exH = p[o + 3] - p[o + 1];
                float exCx = p[o] + 0.5f * exW;
                float exCy = p[o + 1] + 0.5f * exH;
                float gtW = g[o + 2] - g[o];
                float gtH = g[o + 3] - g[o + 1];
                float gtCx = g[o] + 0.5f * gtW;
                float gtCy = g[o + 1] + 0.5f * gtH;
                out[o] = wx * (gtCx - exCx) / exW;
                out[o + 1] = wy * (gtCy - exCy) / exH;
                out[o + 2] = ww * (float) Math.log(gtW / exW);
                out[o + 3] = wh * (float) Math.log(gtH / exH);
            }
        });
        return Tensor.ofFloats(out, k, 4);
    }

    private static IntStream chunks(int k) {
        IntStream s = IntStream.range(0, (k + GRAIN - 1) / GRAIN);
        return k > GRAIN ? s.parallel() : s;
    }
}
