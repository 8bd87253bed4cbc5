package org.rcnn4j.cuda.kernels;

import jcuda.driver.CUdeviceptr;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.Grid;

/**
 * The pointer-level face of cuda/roi_align.cu: torchvision.ops.roi_align forward and input gradient on device
 * memory, one launch each on the device's stream, no host sync. Buffers are row-major float32 (the F32 methods)
 * or float64 (the F64 methods): input [N,C,H,W], boxes [K,5] (batch index, x1, y1, x2, y2), output / gradOutput
 * [K,C,pooledHeight,pooledWidth], gradInput [N,C,H,W]. Sizes are checked for sign only; a RoI whose batch index
 * is not in [0, N) pools to 0 and contributes no gradient.
 *
 * <p>Two backward variants: {@code backward*} adds with float atomics (fast; sums are not bit-reproducible from
 * run to run, as with torchvision), {@code backwardDeterministic*} with fixed-point integer atomics (the same bits
 * on every run; see {@link RoiGradKernels}).
 */
public final class RoiAlignKernels {
    public static final String FORWARD_F32 = "rcnn4j_roi_align_forward_f32";
    public static final String FORWARD_F64 = "rcnn4j_roi_align_forward_f64";
    public static final String BACKWARD_F32 = "rcnn4j_roi_align_backward_f32";
    public static final String BACKWARD_F64 = "rcnn4j_roi_align_backward_f64";
    public static final String BACKWARD_FIXED_F32 = "rcnn4j_roi_align_backward_fixed_f32";
    public static final String BACKWARD_FIXED_F64 = "rcnn4j_roi_align_backward_fixed_f64";

    private static final int BLOCK = 256;
    /** Output elements one block aims to produce per RoI (channels x bins), about 4 per thread. */
    private static final int ELEMENTS_PER_BLOCK = 4 * BLOCK;
    private static final int MAX_GRID_Y = 65535;
    /** Shared memory for the taps of adaptive grids (whose size only the device knows); larger grids recompute. */
    private static final int ADAPTIVE_TABLE_BYTES = 16 * 1024;
    /** Shared memory a kernel may use without opting in. */
    private static final int MAX_TABLE_BYTES = 48 * 1024;
    /** sizeof(Rcnn4jBilinearTap<float>) and sizeof(Rcnn4jBilinearTap<double>) in cuda/include/rcnn4j/bilinear.cuh. */
    private static final int TAP_BYTES_F32 = 16;
    private static final int TAP_BYTES_F64 = 24;

    private RoiAlignKernels() {
    }

    public static void forwardF32(CudaDevice device, CUdeviceptr input, CUdeviceptr boxes, CUdeviceptr output,
            int numRois, int channels, int height, int width, int batchSize, int pooledHeight, int pooledWidth,
            float spatialScale, int samplingRatio, boolean aligned) {
        launch(device, FORWARD_F32, TAP_BYTES_F32, new Object[] {input, boxes, output}, numRois,
                channels, height, width, batchSize, pooledHeight, pooledWidth, spatialScale, samplingRatio, aligned);
    }

    public static void forwardF64(CudaDevice device, CUdeviceptr input, CUdeviceptr boxes, CUdeviceptr output,
            int numRois, int channels, int height, int width, int batchSize, int pooledHeight, int pooledWidth,
            double spatialScale, int samplingRatio, boolean aligned) {
        launch(device, FORWARD_F64, TAP_BYTES_F64, new Object[] {input, boxes, output}, numRois,
                channels, height, width, batchSize, pooledHeight, pooledWidth, spatialScale, samplingRatio, aligned);
    }

    /** Adds the input gradient into gradInput, which the caller zeroes first (e.g. {@link CudaDevice#memsetZero}). */
    public static void backwardF32(CudaDevice device, CUdeviceptr gradOutput, CUdeviceptr boxes,
            CUdeviceptr gradInput, int numRois, int channels, int height, int width, int batchSize,
            int pooledHeight, int pooledWidth, float spatialScale, int samplingRatio, boolean aligned) {
        launch(device, BACKWARD_F32, TAP_BYTES_F32, new Object[] {gradOutput, boxes, gradInput}, numRois,
                channels, height, width, batchSize, pooledHeight, pooledWidth, spatialScale, samplingRatio, aligned);
    }

    /** {@link #backwardF32} for float64 buffers. */
    public static void backwardF64(CudaDevice device, CUdeviceptr gradOutput, CUdeviceptr boxes,
            CUdeviceptr gradInput, int numRois, int channels, int height, int width, int batchSize,
            int pooledHeight, int pooledWidth, double spatialScale, int samplingRatio, boolean aligned) {
        launch(device, BACKWARD_F64, TAP_BYTES_F64, new Object[] {gradOutput, boxes, gradInput}, numRois,
                channels, height, width, batchSize, pooledHeight, pooledWidth, spatialScale, samplingRatio, aligned);
    }

    /**
     * The input gradient into gradInput (any contents on entry), summed in fixed point: the same bits on every
     * run.
     */
    public static void backwardDeterministicF32(CudaDevice device, CUdeviceptr gradOutput, CUdeviceptr boxes,
            CUdeviceptr gradInput, int numRois, int channels, int height, int width, int batchSize,
            int pooledHeight, int pooledWidth, float spatialScale, int samplingRatio, boolean aligned) {
        backwardDeterministic(device, false, gradOutput, boxes, gradInput, numRois, channels, height, width,
                batchSize, pooledHeight, pooledWidth, spatialScale, samplingRatio, aligned);
    }

    /** {@link #backwardDeterministicF32} for float64 buffers. */
    public static void backwardDeterministicF64(CudaDevice device, CUdeviceptr gradOutput, CUdeviceptr boxes,
            CUdeviceptr gradInput, int numRois, int channels, int height, int width, int batchSize,
            int pooledHeight, int pooledWidth, double spatialScale, int samplingRatio, boolean aligned) {
        backwardDeterministic(device, true, gradOutput, boxes, gradInput, numRois, channels, height, width,
                batchSize, pooledHeight, pooledWidth, spatialScale, samplingRatio, aligned);
    }

    private static void backwardDeterministic(CudaDevice device, boolean f64, CUdeviceptr gradOutput,
            CUdeviceptr boxes, CUdeviceptr gradInput, int numRois, int channels, int height, int width,
            int batchSize, int pooledHeight, int pooledWidth, Object spatialScale, int samplingRatio,
            boolean aligned) {
        checkSizes(f64 ? BACKWARD_FIXED_F64 : BACKWARD_FIXED_F32, numRois, channels, height, width, batchSize,
                pooledHeight, pooledWidth);
        long bound = (long) numRois * pooledHeight * pooledWidth;
        long outputs = bound * channels;
        long inputs = (long) batchSize * channels * height * width;
        RoiGradKernels.run(device, f64, gradOutput, outputs, gradInput, inputs, bound, (fixed, maxAbs) ->
                launch(device, f64 ? BACKWARD_FIXED_F64 : BACKWARD_FIXED_F32, f64 ? TAP_BYTES_F64 : TAP_BYTES_F32,
                        new Object[] {gradOutput, boxes, gradInput, fixed, maxAbs, bound}, numRois, channels,
                        height, width, batchSize, pooledHeight, pooledWidth, spatialScale, samplingRatio, aligned));
    }

    private static void checkSizes(String kernel, int numRois, int channels, int height, int width, int batchSize,
            int pooledHeight, int pooledWidth) {
        if (numRois < 0 || channels < 0 || height < 0 || width < 0 || batchSize < 0 || pooledHeight < 1
                || pooledWidth < 1) {
            throw new IllegalArgumentException(kernel + ": bad sizes numRois=" + numRois + " channels=" + channels
                    + " height=" + height + " width=" + width + " batchSize=" + batchSize + " pooled="
                    + pooledHeight + "x" + pooledWidth);
        }
    }

    /** Launches a kernel whose parameters are {@code pointers} followed by the sizes and sampling settings. */
    private static void launch(CudaDevice device, String kernel, int tapBytes, Object[] pointers, int numRois,
            int channels, int height, int width, int batchSize, int pooledHeight, int pooledWidth,
            Object spatialScale, int samplingRatio, boolean aligned) {
        checkSizes(kernel, numRois, channels, height, width, batchSize, pooledHeight, pooledWidth);
        if (numRois == 0 || channels == 0) {
            return;
        }
        int bins = pooledHeight * pooledWidth;
        int channelsPerBlock = Math.max(1, Math.min(channels, ELEMENTS_PER_BLOCK / bins));
        int tiles = (channels + channelsPerBlock - 1) / channelsPerBlock;
        int tableBytes;
        if (samplingRatio > 0) {
            long need = ((long) pooledHeight + pooledWidth) * samplingRatio * tapBytes;
            tableBytes = need <= MAX_TABLE_BYTES ? (int) need : 0;
        } else {
            tableBytes = ADAPTIVE_TABLE_BYTES;
        }
        int capacity = tableBytes / tapBytes;
        Grid grid = Grid.of(numRois, Math.min(tiles, MAX_GRID_Y), 1, BLOCK, 1, 1).withSharedBytes(tableBytes);
        Object[] scalars = {numRois, channels, height, width, batchSize, pooledHeight, pooledWidth, spatialScale,
            samplingRatio, aligned ? 1 : 0, channelsPerBlock, capacity};
        Object[] args = new Object[pointers.length + scalars.length];
        System.arraycopy(pointers, 0, args, 0, pointers.length);
        System.arraycopy(scalars, 0, args, pointers.length, scalars.length);
        device.kernel(kernel).launch(grid, args);
    }
}
