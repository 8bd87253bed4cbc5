package org.rcnn4j.backend.cpu;

import java.util.stream.IntStream;
import org.rcnn4j.backend.RoiChecks;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * torchvision.ops.roi_align on the CPU, F32 and F64 (F64 is what the finite-difference gradient checks use).
 *
 * <p>Forward: work items are (RoI, block of channels); each computes its RoI's bilinear taps once
 * ({@link RoiAlignTaps}) and applies them to every channel of its block. Backward scatters into the input
 * gradient with work items (image, block of channels), each visiting that image's RoIs in index order: no two
 * threads ever write the same element, so the result is deterministic and needs no atomics. F32 runs both on
 * channels-last copies of the maps, vectors of channels at a time ({@link RoiAlignChannelsLast}), where the RoIs'
 * bins outweigh the copies; the outputs are the same bits either way.
 */
final class RoiAlignCpu {
    private RoiAlignCpu() {
    }

    /**
     * The channels-last form needs at least one bin per this many cells of the maps: below that, copying the maps
     * to channels-last and back costs more than the vectors save.
     */
    static final int CELLS_PER_BIN = 4;

    /** Fewer channels than an AVX2 vector of floats stay on NCHW. */
    static final int MIN_CHANNELS = 8;

    /** Per-thread scratch of the channels-last form: a RoI's bins (bin-major), and one row of channels. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][0]);

    static Tensor forward(Tensor input, Tensor boxes, int outputHeight, int outputWidth, float spatialScale,
            int samplingRatio, boolean aligned) {
        return forward(input, boxes, outputHeight, outputWidth, spatialScale, samplingRatio, aligned,
                channelsLastPays(input.shape(), boxes.shape(), outputHeight * outputWidth));
    }

    /** {@link #forward} on the channels-last form when {@code channelsLast} and F32, else on NCHW. */
    static Tensor forward(Tensor input, Tensor boxes, int outputHeight, int outputWidth, float spatialScale,
            int samplingRatio, boolean aligned, boolean channelsLast) {
        RoiChecks.inputAndBoxes(input, boxes);
        RoiChecks.outputSize(outputHeight, outputWidth);
        RoiChecks.spatialScale(spatialScale);
        int[] batch = RoiChecks.batchIndices(boxes, input.size(0));
        int k = boxes.size(0);
        int c = input.size(1);
        Tensor out = Tensor.zeros(input.dtype(), k, c, outputHeight, outputWidth);
        if (k == 0 || c == 0) {
            return out;
        }
        Geometry g = new Geometry(boxes, input.size(2), input.size(3), outputHeight, outputWidth, spatialScale,
                samplingRatio, aligned);
        boolean f32 = input.dtype() == DType.F32;
        if (f32 && channelsLast) {
            forwardChannelsLast(input, out.floats(), batch, g);
            return out;
        }
        RoiTasks.forEachChannelBlock(k, c, (r, c0, c1) -> {
            RoiAlignTaps ys = new RoiAlignTaps();
            RoiAlignTaps xs = new RoiAlignTaps();
            g.taps(r, ys, xs, f32);
            if (f32) {
                forwardF(input.floats(), out.floats(), batch[r], r, c0, c1, c, g.h, g.w, ys, xs);
            } else {
                forwardD(input.doubles(), out.doubles(), batch[r], r, c0, c1, c, g.h, g.w, ys, xs);
            }
        });
        return out;
    }

    static Tensor backward(Tensor gradOutput, Tensor boxes, int[] inputShape, float spatialScale,
            int samplingRatio, boolean aligned) {
        int bins = gradOutput.dim() == 4 ? gradOutput.size(2) * gradOutput.size(3) : 0;
        return backward(gradOutput, boxes, inputShape, spatialScale, samplingRatio, aligned,
                channelsLastPays(inputShape, boxes.shape(), bins));
    }

    /** {@link #backward} on the channels-last form when {@code channelsLast} and F32, else on NCHW. */
    static Tensor backward(Tensor gradOutput, Tensor boxes, int[] inputShape, float spatialScale,
            int samplingRatio, boolean aligned, boolean channelsLast) {
        RoiChecks.gradOutput(gradOutput, boxes, inputShape);
        RoiChecks.spatialScale(spatialScale);
        int n = inputShape[0];
        int c = inputShape[1];
        int[] batch = RoiChecks.batchIndices(boxes, n);
        Tensor gradInput = Tensor.zeros(gradOutput.dtype(), inputShape);
        int k = boxes.size(0);
        if (k == 0 || c == 0) {
            return gradInput;
        }
        int ph = gradOutput.size(2);
        int pw = gradOutput.size(3);
        Geometry g = new Geometry(boxes, inputShape[2], inputShape[3], ph, pw, spatialScale, samplingRatio,
                aligned);
        boolean f32 = gradOutput.dtype() == DType.F32;
        RoiAlignTaps[] ys = new RoiAlignTaps[k];
        RoiAlignTaps[] xs = new RoiAlignTaps[k];
        IntStream.range(0, k).parallel().forEach(r -> {
            ys[r] = new RoiAlignTaps();
            xs[r] = new RoiAlignTaps();
            g.taps(r, ys[r], xs[r], f32);
        });
        int[][] byImage = RoiTasks.groupByImage(batch, n);
        if (f32 && channelsLast) {
            backwardChannelsLast(gradOutput.floats(), gradInput.floats(), inputShape, byImage, ys, xs);
            return gradInput;
        }
        RoiTasks.forEachChannelBlock(n, c, (b, c0, c1) -> {
            for (int r : byImage[b]) {
                if (f32) {
                    backwardF(gradOutput.floats(), gradInput.floats(), b, r, c0, c1, c, g.h, g.w, ys[r], xs[r]);
                } else {
                    backwardD(gradOutput.doubles(), gradInput.doubles(), b, r, c0, c1, c, g.h, g.w, ys[r], xs[r]);
                }
            }
        });
        return gradInput;
    }

    /**
     * Whether the maps have channels enough to fill a vector, and the RoIs bins enough to pay for copying the maps
     * to channels-last and back (shapes not yet checked: a malformed one answers false and the NCHW form's checks
     * name it).
     */
    static boolean channelsLastPays(int[] inputShape, int[] boxesShape, int bins) {
        return inputShape != null && inputShape.length == 4 && boxesShape.length == 2
                && inputShape[1] >= MIN_CHANNELS
                && (long) boxesShape[0] * bins * CELLS_PER_BIN >= (long) inputShape[0] * inputShape[2] * inputShape[3];
    }

    /** Scratch of at least {@code binValues} and {@code channels} floats for this thread. */
    private static float[][] scratch(int binValues, int channels) {
        float[][] s = SCRATCH.get();
        if (s[0].length < binValues) {
            s[0] = new float[binValues];
        }
        if (s[1].length < channels) {
            s[1] = new float[channels];
        }
        return s;
    }

    private static void forwardChannelsLast(Tensor input, float[] out, int[] batch, Geometry g) {
        int c = input.size(1);
        int cells = g.h * g.w;
        int bins = g.ph * g.pw;
        float[] nhwc = ChannelsLast.copy(input.floats(), input.size(0), c, cells);
        RoiTasks.forEachChannelBlock(batch.length, c, (r, c0, c1) -> {
            RoiAlignTaps ys = new RoiAlignTaps();
            RoiAlignTaps xs = new RoiAlignTaps();
            g.taps(r, ys, xs, true);
            int cb = c1 - c0;
            float[][] s = scratch(bins * cb, cb);
            RoiAlignChannelsLast.forward(nhwc, batch[r] * cells * c, c, c0, c1, ys, xs, s[0], s[1]);
            for (int ch = c0; ch < c1; ch++) {
                int o = (r * c + ch) * bins;
                for (int bin = 0, j = ch - c0; bin < bins; bin++, j += cb) {
                    out[o + bin] = s[0][j];
                }
            }
        });
    }

    private static void backwardChannelsLast(float[] go, float[] gradInput, int[] inputShape, int[][] byImage,
            RoiAlignTaps[] ys, RoiAlignTaps[] xs) {
        int n = inputShape[0];
        int c = inputShape[1];
        int cells = inputShape[2] * inputShape[3];
        float[] nhwc = new float[gradInput.length];
        RoiTasks.forEachChannelBlock(n, c, (b, c0, c1) -> {
            int cb = c1 - c0;
            for (int r : byImage[b]) {
                int bins = ys[r].bins * xs[r].bins;
                float[][] s = scratch(bins * cb, cb);
                for (int ch = c0; ch < c1; ch++) {
                    int o = (r * c + ch) * bins;
                    for (int bin = 0, j = ch - c0; bin < bins; bin++, j += cb) {
                        s[0][j] = go[o + bin];
                    }
                }
                RoiAlignChannelsLast.backward(nhwc, b * cells * c, c, c0, c1, ys[r], xs[r], s[0], s[1]);
            }
        });
        ChannelsLast.copyBack(nhwc, gradInput, n, c, cells);
    }

    /** Everything but the RoI needed to compute a RoI's taps. */
    private static final class Geometry {
        final Tensor boxes;
        final int h;
        final int w;
        final int ph;
        final int pw;
        final float scale;
        final int samplingRatio;
        final boolean aligned;

        Geometry(Tensor boxes, int h, int w, int ph, int pw, float scale, int samplingRatio, boolean aligned) {
            this.boxes = boxes;
            this.h = h;
            this.w = w;
            this.ph = ph;
            this.pw = pw;
            this.scale = scale;
            this.samplingRatio = samplingRatio;
            this.aligned = aligned;
        }

        /** The taps of RoI r: rows as offsets into a plane, the bin average's 1/count on the rows. */
        void taps(int r, RoiAlignTaps ys, RoiAlignTaps xs, boolean f32) {
            if (f32) {
                float[] b = boxes.floats();
                xs.computeF(b[5 * r + 1], b[5 * r + 3], scale, pw, samplingRatio, aligned, w);
                ys.computeF(b[5 * r + 2], b[5 * r + 4], scale, ph, samplingRatio, aligned, h);
            } else {
                double[] b = boxes.doubles();
                xs.computeD(b[5 * r + 1], b[5 * r + 3], scale, pw, samplingRatio, aligned, w);
                ys.computeD(b[5 * r + 2], b[5 * r + 4], scale, ph, samplingRatio, aligned, h);
            }
            // Invalid samples still count in the average; an empty grid averages over 1.
            long count = Math.max((long) ys.grid * xs.grid, 1L);
            ys.scale(1.0 / count);
            ys.strideIndices(w);
            if (f32) {
                ys.toFloat();
                xs.toFloat();
            }
        }
    }

    private static void forwardF(float[] in, float[] out, int b, int r, int c0, int c1, int c, int h, int w,
            RoiAlignTaps ys, RoiAlignTaps xs) {
        int ph = ys.bins;
        int pw = xs.bins;
        int[] yOff = ys.index;
        float[] yW = ys.weightF;
        int[] yStart = ys.binStart;
        int[] xIdx = xs.index;
        float[] xW = xs.weightF;
        int[] xStart = xs.binStart;
        int plane = h * w;
        for (int ch = c0; ch < c1; ch++) {
            int base = (b * c + ch) * plane;
            int o = (r * c + ch) * ph * pw;
            for (int py = 0; py < ph; py++) {
                int y0 = yStart[py];
                int y1 = yStart[py + 1];
                for (int px = 0; px < pw; px++) {
                    int x0 = xStart[px];
                    int x1 = xStart[px + 1];
                    float sum = 0f;
                    for (int i = y0; i < y1; i++) {
                        int row = base + yOff[i];
                        float s = 0f;
                        for (int j = x0; j < x1; j++) {
                            s += xW[j] * in[row + xIdx[j]];
                        }
                        sum += yW[i] * s;
                    }
                    out[o++] = sum;
                }
            }
        }
    }

    private static void forwardD(double[] in, double[] out, int b, int r, int c0, int c1, int c, int h, int w,
            RoiAlignTaps ys, RoiAlignTaps xs) {
        int ph = ys.bins;
        int pw = xs.bins;
        int[] yOff = ys.index;
        double[] yW = ys.weight;
        int[] yStart = ys.binStart;
        int[] xIdx = xs.index;
        double[] xW = xs.weight;
        int[] xStart = xs.binStart;
        int plane = h * w;
        for (int ch = c0; ch < c1; ch++) {
            int base = (b * c + ch) * plane;
            int o = (r * c + ch) * ph * pw;
            for (int py = 0; py < ph; py++) {
                int y0 = yStart[py];
                int y1 = yStart[py + 1];
                for (int px = 0; px < pw; px++) {
                    int x0 = xStart[px];
                    int x1 = xStart[px + 1];
                    double sum = 0;
                    for (int i = y0; i < y1; i++) {
                        int row = base + yOff[i];
                        double s = 0;
                        for (int j = x0; j < x1; j++) {
                            s += xW[j] * in[row + xIdx[j]];
                        }
                        sum += yW[i] * s;
                    }
                    out[o++] = sum;
                }
            }
        }
    }

    private static void backwardF(float[] go, float[] gi, int b, int r, int c0, int c1, int c, int h, int w,
            RoiAlignTaps ys, RoiAlignTaps xs) {
        int ph = ys.bins;
        int pw = xs.bins;
        int[] yOff = ys.index;
        float[] yW = ys.weightF;
        int[] yStart = ys.binStart;
        int[] xIdx = xs.index;
        float[] xW = xs.weightF;
        int[] xStart = xs.binStart;
        int plane = h * w;
        for (int ch = c0; ch < c1; ch++) {
            int base = (b * c + ch) * plane;
            int o = (r * c + ch) * ph * pw;
            for (int py = 0; py < ph; py++) {
                int y0 = yStart[py];
                int y1 = yStart[py + 1];
                for (int px = 0; px < pw; px++) {
                    float g = go[o++];
                    int x0 = xStart[px];
                    int x1 = xStart[px + 1];
                    for (int i = y0; i < y1; i++) {
                        int row = base + yOff[i];
                        float gy = g * yW[i];
                        for (int j = x0; j < x1; j++) {
                            gi[row + xIdx[j]] += gy * xW[j];
                        }
                    }
                }
            }
        }
    }

    private static void backwardD(double[] go, double[] gi, int b, int r, int c0, int c1, int c, int h, int w,
            RoiAlignTaps ys, RoiAlignTaps xs) {
        int ph = ys.bins;
        int pw = xs.bins;
        int[] yOff = ys.index;
        double[] yW = ys.weight;
        int[] yStart = ys.binStart;
        int[] xIdx = xs.index;
        double[] xW = xs.weight;
        int[] xStart = xs.binStart;
        int plane = h * w;
        for (int ch = c0; ch < c1; ch++) {
            int base = (b * c + ch) * plane;
            int o = (r * c + ch) * ph * pw;
            for (int py = 0; py < ph; py++) {
                int y0 = yStart[py];
                int y1 = yStart[py + 1];
                for (int px = 0; px < pw; px++) {
                    double g = go[o++];
                    int x0 = xStart[px];
                    int x1 = xStart[px + 1];
                    for (int i = y0; i < y1; i++) {
                        int row = base + yOff[i];
                        double gy = g * yW[i];
                        for (int j = x0; j < x1; j++) {
                            gi[row + xIdx[j]] += gy * xW[j];
                        }
                    }
                }
            }
        }
    }
}
