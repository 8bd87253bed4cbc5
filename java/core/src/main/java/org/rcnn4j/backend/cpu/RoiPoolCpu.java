package org.rcnn4j.backend.cpu;

import org.rcnn4j.backend.RoiChecks;
import org.rcnn4j.backend.RoiPoolResult;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * torchvision.ops.roi_pool on the CPU, F32 and F64: Fast R-CNN's max pooling over quantized bins. The RoI is
 * rounded to whole cells (halves away from zero) with the legacy inclusive +1 extent; bin edges are floor/ceil
 * of multiples of the float bin size, clipped to the map. An empty bin outputs 0 with argmax -1; otherwise the
 * first maximum in row-major order wins (strict &gt; from -FLT_MAX).
 *
 * <p>Work items: forward (RoI, block of channels), computing the bins once per RoI; backward (image, block of
 * channels), visiting that image's RoIs in index order, so no two threads write one gradient element. The F32
 * forward runs on a channels-last copy of the map with vectors once they are compiled
 * ({@link RoiPoolChannelsLast}); the outputs are the same bits either way.
 */
final class RoiPoolCpu {
    private RoiPoolCpu() {
    }

    /** A compiled warm-up batch takes some microseconds, an interpreted one milliseconds. */
    private static final long WARM_UP_FAST_NANOS = 200_000;

    /** Per-thread scratch of the channels-last form: a work item's maxima and argmaxes, bin-major. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][0]);

    /** The channels-last vector form, once compiled ({@link VectorWarmUp}); null until then or where absent. */
    private static volatile RoiPoolChannelsLast channelsLast;

    static {
        RoiPoolChannelsLast best = RoiPoolChannelsLast.best();
        if (best != null) {
            VectorWarmUp.start("rcnn4j-roi-pool-warmup", warmUpBatch(best), WARM_UP_FAST_NANOS,
                    () -> channelsLast = best);
        }
    }

    static RoiPoolResult forward(Tensor input, Tensor boxes, int outputHeight, int outputWidth, float spatialScale) {
        return forward(input, boxes, outputHeight, outputWidth, spatialScale, channelsLast);
    }

    /** {@link #forward} on {@code vector}'s channels-last form where it applies (F32), else the scalar form. */
    static RoiPoolResult forward(Tensor input, Tensor boxes, int outputHeight, int outputWidth, float spatialScale,
            RoiPoolChannelsLast vector) {
        RoiChecks.inputAndBoxes(input, boxes);
        RoiChecks.outputSize(outputHeight, outputWidth);
        RoiChecks.spatialScale(spatialScale);
        int[] batch = RoiChecks.batchIndices(boxes, input.size(0));
        int k = boxes.size(0);
        int c = input.size(1);
        int h = input.size(2);
        int w = input.size(3);
        Tensor out = Tensor.zeros(input.dtype(), k, c, outputHeight, outputWidth);
        Tensor argmax = Tensor.zeros(DType.I32, k, c, outputHeight, outputWidth);
        if (k == 0 || c == 0) {
            return new RoiPoolResult(out, argmax);
        }
        boolean f32 = input.dtype() == DType.F32;
        if (f32 && vector != null && c >= vector.lanes() && (long) h * w <= RoiPoolChannelsLast.MAX_CELLS) {
            forwardChannelsLast(vector, input, boxes.floats(), batch, spatialScale, out.floats(), argmax.ints(),
                    outputHeight, outputWidth);
            return new RoiPoolResult(out, argmax);
        }
        RoiTasks.forEachChannelBlock(k, c, (r, c0, c1) -> {
            int[] rows = new int[2 * outputHeight];
            int[] cols = new int[2 * outputWidth];
            if (f32) {
                float[] b = boxes.floats();
                binsF(b[5 * r + 2], b[5 * r + 4], spatialScale, outputHeight, h, rows);
                binsF(b[5 * r + 1], b[5 * r + 3], spatialScale, outputWidth, w, cols);
                forwardF(input.floats(), out.floats(), argmax.ints(), batch[r], r, c0, c1, c, h, w, rows, cols);
            } else {
                double[] b = boxes.doubles();
                binsD(b[5 * r + 2], b[5 * r + 4], spatialScale, outputHeight, h, rows);
                binsD(b[5 * r + 1], b[5 * r + 3], spatialScale, outputWidth, w, cols);
                forwardD(input.doubles(), out.doubles(), argmax.ints(), batch[r], r, c0, c1, c, h, w, rows, cols);
            }
        });
        return new RoiPoolResult(out, argmax);
    }

    private static void forwardChannelsLast(RoiPoolChannelsLast vector, Tensor input, float[] b, int[] batch,
            float spatialScale, float[] out, int[] argmax, int outputHeight, int outputWidth) {
        int k = batch.length;
        int c = input.size(1);
        int h = input.size(2);
        int w = input.size(3);
        int bins = outputHeight * outputWidth;
        float[] nhwc = ChannelsLast.copy(input.floats(), input.size(0), c, h * w);
        RoiTasks.forEachChannelBlock(k, c, (r, c0, c1) -> {
            int[] rows = new int[2 * outputHeight];
            int[] cols = new int[2 * outputWidth];
            binsF(b[5 * r + 2], b[5 * r + 4], spatialScale, outputHeight, h, rows);
            binsF(b[5 * r + 1], b[5 * r + 3], spatialScale, outputWidth, w, cols);
            int cb = c1 - c0;
            float[][] scratch = SCRATCH.get();
            if (scratch[0].length < bins * cb) {
                scratch[0] = new float[bins * cb];
                scratch[1] = new float[bins * cb];
            }
            float[] max = scratch[0];
            float[] arg = scratch[1];
            vector.pool(nhwc, batch[r] * h * w * c, c, w, rows, cols, c0, c1, max, arg);
            for (int ch = c0; ch < c1; ch++) {
                int o = (r * c + ch) * bins;
                for (int bin = 0, j = ch - c0; bin < bins; bin++, j += cb) {
                    out[o + bin] = max[j];
                    argmax[o + bin] = (int) arg[j];
                }
            }
        });
    }

    /**
     * 32 pools of a 6x6 map into 3x3 bins of 2x2 cells, over two vectors of channels and a scalar tail: every loop
     * of the kernel takes its back branch, so C2 does not compile one as never taken.
     */
    private static Runnable warmUpBatch(RoiPoolChannelsLast kernel) {
        int c = 2 * kernel.lanes() + 1;
        float[] map = new float[36 * c];
        for (int i = 0; i < map.length; i++) {
            map[i] = (i * 7919) % 101;
        }
        int[] edges = {0, 2, 2, 4, 4, 6};
        float[] max = new float[9 * c];
        float[] arg = new float[9 * c];
        return () -> {
            for (int i = 0; i < 32; i++) {
                kernel.pool(map, 0, c, 6, edges, edges, 0, c, max, arg);
            }
        };
    }

    static Tensor backward(Tensor gradOutput, Tensor boxes, Tensor argmax, int[] inputShape) {
        RoiChecks.gradOutput(gradOutput, boxes, inputShape);
        RoiChecks.argmax(argmax, gradOutput);
        int n = inputShape[0];
        int c = inputShape[1];
        int plane = inputShape[2] * inputShape[3];
        int[] batch = RoiChecks.batchIndices(boxes, n);
        int[] arg = argmaxAsInts(argmax, plane);
        Tensor gradInput = Tensor.zeros(gradOutput.dtype(), inputShape);
        int k = boxes.size(0);
        if (k == 0 || c == 0) {
            return gradInput;
        }
        int bins = gradOutput.size(2) * gradOutput.size(3);
        int[][] byImage = RoiTasks.groupByImage(batch, n);
        boolean f32 = gradOutput.dtype() == DType.F32;
        RoiTasks.forEachChannelBlock(n, c, (b, c0, c1) -> {
            for (int r : byImage[b]) {
                for (int ch = c0; ch < c1; ch++) {
                    int base = (b * c + ch) * plane;
                    int o = (r * c + ch) * bins;
                    if (f32) {
                        float[] go = gradOutput.floats();
                        float[] gi = gradInput.floats();
                        for (int i = 0; i < bins; i++) {
                            int a = arg[o + i];
                            if (a >= 0) {
                                gi[base + a] += go[o + i];
                            }
                        }
                    } else {
                        double[] go = gradOutput.doubles();
                        double[] gi = gradInput.doubles();
                        for (int i = 0; i < bins; i++) {
                            int a = arg[o + i];
                            if (a >= 0) {
                                gi[base + a] += go[o + i];
                            }
                        }
                    }
                }
            }
        });
        return gradInput;
    }

    /** argmax as ints, each -1 (empty bin) or a flat index into an H x W plane. */
    private static int[] argmaxAsInts(Tensor argmax, int plane) {
        int n = argmax.numel();
        boolean i32 = argmax.dtype() == DType.I32;
        int[] out = i32 ? argmax.ints() : new int[n];
        for (int i = 0; i < n; i++) {
            long a = argmax.getLong(i);
            if (a < -1 || a >= plane) {
                throw new IllegalArgumentException("argmax: element " + i + " is " + a
                        + ", expected -1 (empty bin) or an index in [0, H*W = " + plane + ")");
            }
            if (!i32) {
                out[i] = (int) a;
            }
        }
        return out;
    }

    /**
     * Bin edges along one axis in float32 arithmetic: edges[2p] = start, edges[2p+1] = end (exclusive) of bin p,
     * clipped to [0, extent].
     */
    static void binsF(float c1, float c2, float spatialScale, int pooled, int extent, int[] edges) {
        long start = (long) roundHalfAwayFromZero(c1 * spatialScale);
        long end = (long) roundHalfAwayFromZero(c2 * spatialScale);
        long length = Math.max(end - start + 1, 1);
        float bin = (float) length / (float) pooled;
        for (int p = 0; p < pooled; p++) {
            long lo = (long) Math.floor(p * bin);
            long hi = (long) Math.ceil((p + 1) * bin);
            edges[2 * p] = clip(lo + start, extent);
            edges[2 * p + 1] = clip(hi + start, extent);
        }
    }

    /** {@link #binsF} in float64 arithmetic. */
    static void binsD(double c1, double c2, double spatialScale, int pooled, int extent, int[] edges) {
        long start = (long) roundHalfAwayFromZero(c1 * spatialScale);
        long end = (long) roundHalfAwayFromZero(c2 * spatialScale);
        long length = Math.max(end - start + 1, 1);
        double bin = (double) length / (double) pooled;
        for (int p = 0; p < pooled; p++) {
            long lo = (long) Math.floor(p * bin);
            long hi = (long) Math.ceil((p + 1) * bin);
            edges[2 * p] = clip(lo + start, extent);
            edges[2 * p + 1] = clip(hi + start, extent);
        }
    }

    /** C's round(): halves away from zero (Math.round rounds them up; v + 0.5 can round in floating point). */
    static double roundHalfAwayFromZero(double v) {
        double a = Math.abs(v);
        double t = Math.floor(a);
        double r = a - t >= 0.5 ? t + 1 : t;
        return Math.copySign(r, v);
    }

    private static int clip(long v, int extent) {
        return (int) Math.min(Math.max(v, 0), extent);
    }

    private static void forwardF(float[] in, float[] out, int[] argmax, int b, int r, int c0, int c1, int c, int h,
            int w, int[] rows, int[] cols) {
        int ph = rows.length / 2;
        int pw = cols.length / 2;
        for (int ch = c0; ch < c1; ch++) {
            int base = (b * c + ch) * h * w;
            int o = (r * c + ch) * ph * pw;
            for (int py = 0; py < ph; py++) {
                int y0 = rows[2 * py];
                int y1 = rows[2 * py + 1];
                for (int px = 0; px < pw; px++) {
                    int x0 = cols[2 * px];
                    int x1 = cols[2 * px + 1];
                    boolean empty = y1 <= y0 || x1 <= x0;
                    float max = empty ? 0f : -Float.MAX_VALUE;
                    int arg = -1;
                    for (int y = y0; y < y1; y++) {
                        int row = y * w;
                        for (int x = x0; x < x1; x++) {
                            float v = in[base + row + x];
                            if (v > max) {
                                max = v;
                                arg = row + x;
                            }
                        }
                    }
                    out[o] = max;
                    argmax[o++] = arg;
                }
            }
        }
    }

    private static void forwardD(double[] in, double[] out, int[] argmax, int b, int r, int c0, int c1, int c,
            int h, int w, int[] rows, int[] cols) {
        int ph = rows.length / 2;
        int pw = cols.length / 2;
        for (int ch = c0; ch < c1; ch++) {
            int base = (b * c + ch) * h * w;
            int o = (r * c + ch) * ph * pw;
            for (int py = 0; py < ph; py++) {
                int y0 = rows[2 * py];
                int y1 = rows[2 * py + 1];
                for (int px = 0; px < pw; px++) {
                    int x0 = cols[2 * px];
                    int x1 = cols[2 * px + 1];
                    boolean empty = y1 <= y0 || x1 <= x0;
                    double max = empty ? 0 : -Float.MAX_VALUE;
                    int arg = -1;
                    for (int y = y0; y < y1; y++) {
                        int row = y * w;
                        for (int x = x0; x < x1; x++) {
                            double v = in[base + row + x];
                            if (v > max) {
                                max = v;
                                arg = row + x;
                            }
                        }
                    }
                    out[o] = max;
                    argmax[o++] = arg;
                }
            }
        }
    }
}
