package org.rcnn4j.cuda.kernels;

import jcuda.driver.CUdeviceptr;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.Grid;

/**
 * The pointer-level face of cuda/roi_pool.cu: torchvision.ops.roi_pool forward (values and I32 argmax) and input
 * gradient on device memory, one launch each on the device's stream, no host sync. Buffers are row-major float32
 * (F32 methods) or float64 (F64 methods): input [N,C,H,W], boxes [K,5] (batch index, x1, y1, x2, y2), output,
 * argmax and gradOutput [K,C,pooledHeight,pooledWidth], gradInput [N,C,H,W]. Sizes are checked for sign only; a
 * RoI whose batch index is not in [0, N) outputs 0 with argmax -1 and gets no gradient, and the backward ignores
 * argmax values outside [-1, H*W).
 *
 * <p>Two backward variants: {@code backward*} adds with float atomics (fast; sums are not bit-reproducible from
 * run to run, as with torchvision), {@code backwardDeterministic*} with fixed-point integer atomics (the same bits
 * on every run; see {@link RoiGradKernels}).
 */
public final class RoiPoolKernels {
    public static final String FORWARD_F32 = "rcnn4j_roi_pool_forward_f32";
    public static final String FORWARD_F64 = "rcnn4j_roi_pool_forward_f64";
    public static final String BACKWARD_F32 = "rcnn4j_roi_pool_backward_f32";
    public static final String BACKWARD_F64 = "rcnn4j_roi_pool_backward_f64";
    public static final String BACKWARD_F32_I64 = "rcnn4j_roi_pool_backward_f32_i64";
    public static final String BACKWARD_F64_I64 = "rcnn4j_roi_pool_backward_f64_i64";
    public static final String BACKWARD_FIXED_F32 = "rcnn4j_roi_pool_backward_fixed_f32";
    public static final String BACKWARD_FIXED_F64 = "rcnn4j_roi_pool_backward_fixed_f64";
    public static final String BACKWARD_FIXED_F32_I64 = "rcnn4j_roi_pool_backward_fixed_f32_i64";
    public static final String BACKWARD_FIXED_F64_I64 = "rcnn4j_roi_pool_backward_fixed_f64_i64";

    private static final int BLOCK = 256;
    /** The kernels stride over elements, so a bounded grid covers any size. */
    private static final long MAX_BLOCKS = 1 << 20;

    private RoiPoolKernels() {
    }

    public static void forwardF32(CudaDevice device, CUdeviceptr input, CUdeviceptr boxes, CUdeviceptr output,
            CUdeviceptr argmax, int numRois, int channels, int height, int width, int batchSize, int pooledHeight,
            int pooledWidth, float spatialScale) {
        forward(device, FORWARD_F32, input, boxes, output, argmax, numRois, channels, height, width, batchSize,
                pooledHeight, pooledWidth, spatialScale);
    }

    public static void forwardF64(CudaDevice device, CUdeviceptr input, CUdeviceptr boxes, CUdeviceptr output,
            CUdeviceptr argmax, int numRois, int channels, int height, int width, int batchSize, int pooledHeight,
            int pooledWidth, double spatialScale) {
        forward(device, FORWARD_F64, input, boxes, output, argmax, numRois, channels, height, width, batchSize,
                pooledHeight, pooledWidth, spatialScale);
    }

    /**
     * Adds the input gradient into gradInput, which the caller zeroes first; {@code argmaxI64} says whether argmax
     * holds int64 (else int32) values.
     */
    public static void backwardF32(CudaDevice device, CUdeviceptr gradOutput, CUdeviceptr boxes, CUdeviceptr argmax,
            boolean argmaxI64, CUdeviceptr gradInput, int numRois, int channels, int height, int width,
            int batchSize, int pooledHeight, int pooledWidth) {
        backward(device, argmaxI64 ? BACKWARD_F32_I64 : BACKWARD_F32, gradOutput, boxes, argmax, gradInput, numRois,
                channels, height, width, batchSize, pooledHeight, pooledWidth);
    }

    /** {@link #backwardF32} for float64 buffers. */
    public static void backwardF64(CudaDevice device, CUdeviceptr gradOutput, CUdeviceptr boxes, CUdeviceptr argmax,
            boolean argmaxI64, CUdeviceptr gradInput, int numRois, int channels, int height, int width,
            int batchSize, int pooledHeight, int pooledWidth) {
        backward(device, argmaxI64 ? BACKWARD_F64_I64 : BACKWARD_F64, gradOutput, boxes, argmax, gradInput, numRois,
                channels, height, width, batchSize, pooledHeight, pooledWidth);
    }

    /**
     * The input gradient into gradInput (any contents on entry), summed in fixed point: the same bits on every
     * run. {@code f64}: float64 gradients (else float32); {@code argmaxI64}: int64 argmax (else int32).
     */
    public static void backwardDeterministic(CudaDevice device, boolean f64, CUdeviceptr gradOutput,
            CUdeviceptr boxes, CUdeviceptr argmax, boolean argmaxI64, CUdeviceptr gradInput, int numRois,
            int channels, int height, int width, int batchSize, int pooledHeight, int pooledWidth) {
        String kernel = f64 ? (argmaxI64 ? BACKWARD_FIXED_F64_I64 : BACKWARD_FIXED_F64)
                : (argmaxI64 ? BACKWARD_FIXED_F32_I64 : BACKWARD_FIXED_F32);
        long outputs = elements(kernel, numRois, channels, height, width, batchSize, pooledHeight, pooledWidth);
        long bound = (long) numRois * pooledHeight * pooledWidth;
        long inputs = (long) batchSize * channels * height * width;
        RoiGradKernels.run(device, f64, gradOutput, outputs, gradInput, inputs, bound, (fixed, maxAbs) ->
                device.kernel(kernel).launch(grid(outputs), gradOutput, boxes, argmax, gradInput, fixed, maxAbs,
                        bound, numRois, channels, height, width, batchSize, pooledHeight, pooledWidth));
    }

    private static void forward(CudaDevice device, String kernel, CUdeviceptr input, CUdeviceptr boxes,
            CUdeviceptr output, CUdeviceptr argmax, int numRois, int channels, int height, int width, int batchSize,
            int pooledHeight, int pooledWidth, Object spatialScale) {
        long total = elements(kernel, numRois, channels, height, width, batchSize, pooledHeight, pooledWidth);
        if (total == 0) {
            return;
        }
        device.kernel(kernel).launch(grid(total), input, boxes, output, argmax, numRois, channels, height, width,
                batchSize, pooledHeight, pooledWidth, spatialScale);
    }

    private static void backward(CudaDevice device, String kernel, CUdeviceptr gradOutput, CUdeviceptr boxes,
            CUdeviceptr argmax, CUdeviceptr gradInput, int numRois, int channels, int height, int width,
            int batchSize, int pooledHeight, int pooledWidth) {
        long total = elements(kernel, numRois, channels, height, width, batchSize, pooledHeight, pooledWidth);
        if (total == 0) {
            return;
        }
        device.kernel(kernel).launch(grid(total), gradOutput, boxes, argmax, gradInput, numRois, channels, height,
                width, batchSize, pooledHeight, pooledWidth);
    }

    private static long elements(String kernel, int numRois, int channels, int height, int width, int batchSize,
            int pooledHeight, int pooledWidth) {
        if (numRois < 0 || channels < 0 || height < 0 || width < 0 || batchSize < 0 || pooledHeight < 1
                || pooledWidth < 1) {
            throw new IllegalArgumentException(kernel + ": bad sizes numRois=" + numRois + " channels=" + channels
                    + " height=" + height + " width=" + width + " batchSize=" + batchSize + " pooled="
                    + pooledHeight + "x" + pooledWidth);
        }
        return (long) numRois * channels * pooledHeight * pooledWidth;
    }

    private static Grid grid(long total) {
        long blocks = Math.min((total + BLOCK - 1) / BLOCK, MAX_BLOCKS);
        return Grid.of((int) blocks, 1, 1, BLOCK, 1, 1);
    }
}
