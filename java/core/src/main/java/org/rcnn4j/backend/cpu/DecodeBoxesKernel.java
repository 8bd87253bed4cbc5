package org.rcnn4j.backend.cpu;

/**
 * BoxCoder.decode_single over a range of boxes, in torchvision's float32 order of operations: per code
 * dx = rel / wx, dw = min(rel / ww, clip), pcx = dx * width + ctrX, halfW = 0.5f * ((float) exp(dw) * width),
 * x1 = pcx - halfW, x2 = pcx + halfW (no fused multiply-adds, as Java never contracts). Every form gives the same
 * floats; {@link BoxCoderCpu} picks the fastest one that is ready.
 */
abstract class DecodeBoxesKernel {
    /**
     * Decodes boxes [first, end): {@code rel} is [k, 4c], {@code b} [k, 4], {@code out} like {@code rel};
     * {@code w} the weights wx, wy, ww, wh.
     */
    abstract void decode(float[] rel, float[] b, float[] out, int first, int end, int c, float[] w, float clip);

    /** The Vector API form, or null where the JVM lacks jdk.incubator.vector or -Drcnn4j.cpu.vector=false. */
    static DecodeBoxesKernel vector() {
        DecodeBoxesKernel k = VectorForms.load("DecodeBoxesVectorKernel", DecodeBoxesKernel.class);
        return k != null && k.usable() ? k : null;
    }

    /** Whether this form runs on this JVM (the vector form needs vectors of whole codes). */
    boolean usable() {
        return true;
    }

    /**
     * The scalar form: the chunk's dw, dh as doubles to a scratch array, their exponentials in one pass
     * ({@link ExpF32}: the floats (float) Math.exp gives), then the boxes one code at a time.
     */
    static final class Scalar extends DecodeBoxesKernel {
        /** Per-thread buffers of the exponent pass (a chunk's dw, dh and their exponentials). */
        private static final ThreadLocal<double[][]> SCRATCH = ThreadLocal.withInitial(() -> new double[2][0]);

        @Override
        void decode(float[] rel, float[] b, float[] out, int first, int end, int c, float[] w, float clip) {
            float wx = w[0], wy = w[1], ww = w[2], wh = w[3];
            int codes = (end - first) * c;
            double[][] scratch = SCRATCH.get();
            double[] x = grow(scratch, 0, 2 * codes);
            double[] e = grow(scratch, 1, 2 * codes);
            for (int j = 4 * c * first, q = 0; q < 2 * codes; j += 4, q += 2) {
                x[q] = Math.min(rel[j + 2] / ww, clip);
                x[q + 1] = Math.min(rel[j + 3] / wh, clip);
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
        }

        private static double[] grow(double[][] scratch, int which, int size) {
            if (scratch[which].length < size) {
                scratch[which] = new double[size];
            }
            return scratch[which];
        }
    }

    /** One code [j, j + 4) of box i with Math.exp itself: the vector form's tails. */
    static void decodeCode(float[] rel, float[] b, float[] out, int i, int j, float[] w, float clip) {
        float width = b[4 * i + 2] - b[4 * i];
        float height = b[4 * i + 3] - b[4 * i + 1];
        float ctrX = b[4 * i] + 0.5f * width;
        float ctrY = b[4 * i + 1] + 0.5f * height;
        float dx = rel[j] / w[0];
        float dy = rel[j + 1] / w[1];
        float dw = Math.min(rel[j + 2] / w[2], clip);
        float dh = Math.min(rel[j + 3] / w[3], clip);
        float pcx = dx * width + ctrX;
        float pcy = dy * height + ctrY;
        float halfW = 0.5f * ((float) Math.exp(dw) * width);
        float halfH = 0.5f * ((float) Math.exp(dh) * height);
        out[j] = pcx - halfW;
        out[j + 1] = pcy - halfH;
        out[j + 2] = pcx + halfW;
        out[j + 3] = pcy + halfH;
    }
}
