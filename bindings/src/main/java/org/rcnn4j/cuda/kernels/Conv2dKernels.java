package org.rcnn4j.cuda.kernels;

import jcuda.driver.CUdeviceptr;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.Grid;
import org.rcnn4j.cuda.kernels.GemmKernels.Precision;

/**
 * The pointer-level face of cuda/conv2d.cu: conv2d (torch.nn.functional.conv2d semantics, NCHW, weight
 * [O, C/groups, kh, kw]) and its gradients as implicit GEMMs, on the device's stream, no host sync. Every output
 * element is written, so outputs need no clearing. Deterministic (no atomics).
 */
public final class Conv2dKernels {
    public static final String FORWARD_F32 = "rcnn4j_conv2d_forward_f32";
    public static final String FORWARD_F64 = "rcnn4j_conv2d_forward_f64";
    public static final String GRAD_INPUT_F32 = "rcnn4j_conv2d_grad_input_f32";
    public static final String GRAD_INPUT_F64 = "rcnn4j_conv2d_grad_input_f64";
    public static final String GRAD_WEIGHT_F32 = "rcnn4j_conv2d_grad_weight_f32";
    public static final String GRAD_WEIGHT_F64 = "rcnn4j_conv2d_grad_weight_f64";
    public static final String SUM_SPLITS_F32 = "rcnn4j_conv2d_sum_splits_f32";
    public static final String SUM_SPLITS_F64 = "rcnn4j_conv2d_sum_splits_f64";
    public static final String GRAD_BIAS_F32 = "rcnn4j_conv2d_grad_bias_f32";
    public static final String GRAD_BIAS_F64 = "rcnn4j_conv2d_grad_bias_f64";

    private static final int TILE = GemmKernels.TILE;
    private static final int THREADS = GemmKernels.THREADS;
    private static final int MAX_GRID_YZ = GemmKernels.MAX_GRID_YZ;
    /** K step of the tile loop; split-K chunks are multiples of it. */
    private static final int K_STEP = 16;
    /** A split of the weight gradient's K (batch * output pixels) covers at least this many K steps. */
    private static final int MIN_STEPS_PER_SPLIT = 16;

    private Conv2dKernels() {
    }

    /** A conv2d problem: input [n,c,h,w], weight [o, c/groups, kh, kw], stride, padding, dilation, groups. */
    public record Shape(int n, int c, int h, int w, int o, int kh, int kw, int strideH, int strideW, int padH,
            int padW, int dilationH, int dilationW, int groups) {
        public Shape {
            // the fields are not assigned yet inside a compact constructor: use the parameters, not this
            String described = "input [" + n + "," + c + "," + h + "," + w + "], weight [" + o + ",c/" + groups + ","
                    + kh + "," + kw + "], stride " + strideH + "," + strideW + ", padding " + padH + "," + padW
                    + ", dilation " + dilationH + "," + dilationW + ", groups " + groups;
            if (n < 0 || c < 1 || h < 1 || w < 1 || o < 1 || kh < 1 || kw < 1 || strideH < 1 || strideW < 1
                    || padH < 0 || padW < 0 || dilationH < 1 || dilationW < 1 || groups < 1 || c % groups != 0
                    || o % groups != 0) {
                throw new IllegalArgumentException("conv2d: bad shape: " + described);
            }
            if (h + 2L * padH < (long) dilationH * (kh - 1) + 1
                    || w + 2L * padW < (long) dilationW * (kw - 1) + 1) {
                throw new IllegalArgumentException("conv2d: empty output for " + described);
            }
        }

        public int outH() {
            return (h + 2 * padH - dilationH * (kh - 1) - 1) / strideH + 1;
        }

        public int outW() {
            return (w + 2 * padW - dilationW * (kw - 1) - 1) / strideW + 1;
        }

        /** (c/groups)*kh*kw: weights per output channel. */
        int kc() {
            return c / groups * kh * kw;
        }

        Object[] geometry() {
            return new Object[] {n, c, h, w, o, kh, kw, strideH, strideW, padH, padW, dilationH, dilationW, groups,
                    outH(), outW()};
        }
    }

    /** y [n,o,outH,outW] = conv2d(x [n,c,h,w], weight, bias [o] or null). */
    public static void forward(CudaDevice device, Precision precision, Shape s, CUdeviceptr x, CUdeviceptr weight,
            CUdeviceptr bias, CUdeviceptr y) {
        if (s.n() == 0) {
            return;
        }
        long columns = (long) s.n() * s.outH() * s.outW();
        Grid grid = Grid.of(blocks(columns), yBlocks(s.o() / s.groups()), zBlocks(s.groups()), THREADS, 1, 1);
        device.kernel(precision == Precision.F32 ? FORWARD_F32 : FORWARD_F64).launch(grid,
                concat(new Object[] {x, weight, bias == null ? new CUdeviceptr() : bias, y, bias == null ? 0 : 1},
                        s.geometry()));
    }

    /** gradInput [n,c,h,w] of conv2d given gradOutput [n,o,outH,outW]. */
    public static void gradInput(CudaDevice device, Precision precision, Shape s, CUdeviceptr gradOutput,
            CUdeviceptr weight, CUdeviceptr gradInput) {
        if (s.n() == 0) {
            return;
        }
        long columns = (long) s.n() * s.h() * s.w();
        Grid grid = Grid.of(blocks(columns), yBlocks(s.c() / s.groups()), zBlocks(s.groups()), THREADS, 1, 1);
        device.kernel(precision == Precision.F32 ? GRAD_INPUT_F32 : GRAD_INPUT_F64).launch(grid,
                concat(new Object[] {gradOutput, weight, gradInput}, s.geometry()));
    }

    /**
     * gradWeight [o, c/groups, kh, kw] of conv2d. When the weight's tiles alone would leave the GPU idle, the sum
     * over batch and pixels is split into chunks whose partial sums go to a temporary workspace and are added in a
     * fixed order by a second kernel.
     */
    public static void gradWeight(CudaDevice device, Precision precision, Shape s, CUdeviceptr gradOutput,
            CUdeviceptr input, CUdeviceptr gradWeight) {
        int kc = s.kc();
        int og = s.o() / s.groups();
        long depth = (long) s.n() * s.outH() * s.outW();
        long count = (long) s.o() * kc;
        int tiles = blocks(kc) * yBlocks(og) * s.groups();
        int splits = splits(depth, tiles, Math.max(1, device.multiprocessorCount()), s.groups());
        int chunk = (int) roundUp((depth + splits - 1) / splits, K_STEP);
        if (depth > 0) {
            splits = (int) ((depth + chunk - 1) / chunk);
        }
        Grid grid = Grid.of(blocks(kc), yBlocks(og), zBlocks(s.groups() * splits), THREADS, 1, 1);
        boolean f32 = precision == Precision.F32;
        String name = f32 ? GRAD_WEIGHT_F32 : GRAD_WEIGHT_F64;
        if (splits == 1) {
            device.kernel(name).launch(grid, concat(new Object[] {gradOutput, input, gradWeight, 1, chunk},
                    s.geometry()));
            return;
        }
        try (DeviceBuffer parts = device.allocate(splits * count * (f32 ? 4 : 8))) {
            device.kernel(name).launch(grid, concat(new Object[] {gradOutput, input, parts, splits, chunk},
                    s.geometry()));
            // freeing before the sum finishes is safe: everything runs in order on the device's one stream
            device.kernel(f32 ? SUM_SPLITS_F32 : SUM_SPLITS_F64).launch(Grid.linear(count, THREADS), parts,
                    gradWeight, splits, (int) count);
        }
    }

    /** gradBias [o] = gradOutput [n,o,outH,outW] summed over n and pixels. */
    public static void gradBias(CudaDevice device, Precision precision, int n, int o, int pixels,
            CUdeviceptr gradOutput, CUdeviceptr gradBias) {
        if (n < 0 || o < 0 || pixels < 0) {
            throw new IllegalArgumentException("conv2d grad bias: sizes must be >= 0, got n=" + n + " o=" + o
                    + " pixels=" + pixels);
        }
        if (o == 0) {
            return;
        }
        device.kernel(precision == Precision.F32 ? GRAD_BIAS_F32 : GRAD_BIAS_F64).launch(
                Grid.of(o, 1, 1, THREADS, 1, 1), gradOutput, gradBias, n, o, pixels);
    }

    /** Buffer overloads of the launches above. */
    public static void forward(CudaDevice device, Precision precision, Shape s, DeviceBuffer x, DeviceBuffer weight,
            DeviceBuffer bias, DeviceBuffer y) {
        forward(device, precision, s, x.pointer(), weight.pointer(), bias == null ? null : bias.pointer(),
                y.pointer());
    }

    public static void gradInput(CudaDevice device, Precision precision, Shape s, DeviceBuffer gradOutput,
            DeviceBuffer weight, DeviceBuffer gradInput) {
        gradInput(device, precision, s, gradOutput.pointer(), weight.pointer(), gradInput.pointer());
    }

    public static void gradWeight(CudaDevice device, Precision precision, Shape s, DeviceBuffer gradOutput,
            DeviceBuffer input, DeviceBuffer gradWeight) {
        gradWeight(device, precision, s, gradOutput.pointer(), input.pointer(), gradWeight.pointer());
    }

    /** Splits of the weight gradient's K: enough blocks for two per SM, each split still many K steps long. */
    static int splits(long depth, int tiles, int multiprocessors, int groups) {
        long wanted = (2L * multiprocessors + tiles - 1) / tiles;
        long byDepth = Math.max(1, depth / ((long) K_STEP * MIN_STEPS_PER_SPLIT));
        long byGrid = Math.max(1, MAX_GRID_YZ / groups);
        return (int) Math.max(1, Math.min(Math.min(wanted, byDepth), Math.min(byGrid, 256)));
    }

    private static int blocks(long columns) {
        long b = Math.max(1, (columns + TILE - 1) / TILE);
        if (b > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("conv2d: " + columns + " columns exceed the grid");
        }
        return (int) b;
    }

    private static int yBlocks(int rows) {
        int b = Math.max(1, (rows + TILE - 1) / TILE);
        if (b > MAX_GRID_YZ) {
            throw new IllegalArgumentException("conv2d: " + rows + " channels per group exceed the grid");
        }
        return b;
    }

    private static int zBlocks(int z) {
        if (z > MAX_GRID_YZ) {
            throw new IllegalArgumentException("conv2d: " + z + " groups (times K splits) exceed the grid");
        }
        return z;
    }

    private static long roundUp(long x, long unit) {
        return Math.max(unit, (x + unit - 1) / unit * unit);
    }

    private static Object[] concat(Object[] a, Object[] b) {
        Object[] r = new Object[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
