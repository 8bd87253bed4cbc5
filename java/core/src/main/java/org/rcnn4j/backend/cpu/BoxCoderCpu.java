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

    /** A compiled call on 64 boxes takes well under a microsecond, an interpreted one a hundred or more. */
    private static final long WARM_UP_FAST_NANOS_PER_CALL = 5_000;
    private static final int WARM_UP_CALLS_PER_BATCH = 256;

    /** The scalar form now, the vector form from when its warm-up thread finds it compiled. */
    private static volatile DecodeBoxesKernel decoder = startDecoder(DecodeBoxesKernel.vector());

    /** The decode form in use now (for tests and logs). */
    static DecodeBoxesKernel decoder() {
        return decoder;
    }

    static Tensor decode(Tensor relCodes, Tensor boxes, float[] weights, float bboxXformClip) {
        return decode(relCodes, boxes, weights, bboxXformClip, decoder);
    }

    /** decode with this form (tests and the A/B harness call each form directly). */
    static Tensor decode(Tensor relCodes, Tensor boxes, float[] weights, float bboxXformClip,
            DecodeBoxesKernel kernel) {
        int c = BoxChecks.decode(relCodes, boxes, weights, bboxXformClip);
        int k = boxes.size(0);
        float[] rel = relCodes.floats(), b = boxes.floats();
        float[] out = new float[rel.length];
        float[] w = weights.clone();
        chunks(k).forEach(chunk -> kernel.decode(rel, b, out, chunk * GRAIN, Math.min(k, chunk * GRAIN + GRAIN), c,
                w, bboxXformClip));
        return Tensor.ofFloats(out, relCodes.shape());
    }

    /** The scalar form, and the vector form's warm-up thread (which swaps it in) where there is one. */
    private static DecodeBoxesKernel startDecoder(DecodeBoxesKernel vector) {
        DecodeBoxesKernel scalar = new DecodeBoxesKernel.Scalar();
        if (vector == null) {
            return scalar;
        }
        int k = 64;
        float[] rel = new float[4 * k];
        float[] b = new float[4 * k];
        float[] out = new float[4 * k];
        for (int i = 0; i < rel.length; i++) {
            rel[i] = (i % 9) / 4f - 1;
            b[i] = (i & 3) < 2 ? i : i + 16;
        }
        float[] w = {1, 1, 1, 1};
        VectorWarmUp.start("rcnn4j-decode-warmup", () -> {
            for (int i = 0; i < WARM_UP_CALLS_PER_BATCH; i++) {
                vector.decode(rel, b, out, 0, k, 1, w, 4f);
                // several classes too (4: whole vector steps with AVX-512 and AVX2), or the first such call
                // would find that path uncompiled
                vector.decode(rel, b, out, 0, k / 4, 4, w, 4f);
            }
        }, WARM_UP_FAST_NANOS_PER_CALL * WARM_UP_CALLS_PER_BATCH, () -> decoder = vector);
        return scalar;
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
