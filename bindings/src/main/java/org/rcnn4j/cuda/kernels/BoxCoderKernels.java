package org.rcnn4j.cuda.kernels;

import jcuda.driver.CUdeviceptr;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.Grid;

/**
 * The pointer-level face of cuda/box_coder.cu: BoxCoder.decode_single and encode_single (F32, row-major).
 * Asynchronous on the device's stream.
 */
public final class BoxCoderKernels {
    public static final String DECODE_F32 = "rcnn4j_box_coder_decode_f32";
    public static final String ENCODE_F32 = "rcnn4j_box_coder_encode_f32";

    private static final int BLOCK = 256;
    private static final long MAX_THREADS = 1L << 22;

    private BoxCoderKernels() {
    }

    /** out [k, 4*classes] = boxes [k,4] decoded with relCodes [k, 4*classes]; weights (wx, wy, ww, wh). */
    public static void decode(CudaDevice device, CUdeviceptr relCodes, CUdeviceptr boxes, int k, int classes,
            float[] weights, float bboxXformClip, CUdeviceptr out) {
        checkWeights(weights);
        if (k < 0 || classes < 1) {
            throw new IllegalArgumentException("decode: bad sizes k=" + k + " classes=" + classes);
        }
        long total = (long) k * classes;
        if (total == 0) {
            return;
        }
        device.kernel(DECODE_F32).launch(Grid.linear(Math.min(total, MAX_THREADS), BLOCK), relCodes, boxes, k,
                classes, weights[0], weights[1], weights[2], weights[3], bboxXformClip, out);
    }

    /** out [k,4] = regression targets of referenceBoxes [k,4] against proposals [k,4]. */
    public static void encode(CudaDevice device, CUdeviceptr referenceBoxes, CUdeviceptr proposals, int k,
            float[] weights, CUdeviceptr out) {
        checkWeights(weights);
        if (k < 0) {
            throw new IllegalArgumentException("k: expected >= 0, got " + k);
        }
        if (k == 0) {
            return;
        }
        device.kernel(ENCODE_F32).launch(Grid.linear(Math.min(k, MAX_THREADS), BLOCK), referenceBoxes, proposals, k,
                weights[0], weights[1], weights[2], weights[3], out);
    }

    public static void decode(CudaDevice device, DeviceBuffer relCodes, DeviceBuffer boxes, int k, int classes,
            float[] weights, float bboxXformClip, DeviceBuffer out) {
        decode(device, relCodes.pointer(), boxes.pointer(), k, classes, weights, bboxXformClip, out.pointer());
    }

    public static void encode(CudaDevice device, DeviceBuffer referenceBoxes, DeviceBuffer proposals, int k,
            float[] weights, DeviceBuffer out) {
        encode(device, referenceBoxes.pointer(), proposals.pointer(), k, weights, out.pointer());
    }

    private static void checkWeights(float[] weights) {
        if (weights == null || weights.length != 4) {
            throw new IllegalArgumentException("weights: expected 4 values (wx, wy, ww, wh)");
        }
    }
}
