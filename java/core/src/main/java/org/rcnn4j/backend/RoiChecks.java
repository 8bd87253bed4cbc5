package org.rcnn4j.backend;

import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/**
 * Argument checks of roi_align and roi_pool, shared by both backends (torchvision's argument names). The
 * batch-index check reads the boxes: the CPU backend runs {@link #batchIndices}; the CUDA backend runs the same
 * test on the device and throws at its next synchronization (backend.cuda.DeferredChecks).
 */
public final class RoiChecks {
    private RoiChecks() {
    }

    /** input [N,C,H,W] F32/F64 and boxes [K,5] of the same dtype. */
    public static void inputAndBoxes(Tensor input, Tensor boxes) {
        OpChecks.dims("input", input, 4, "[N,C,H,W]");
        OpChecks.floating("input", input);
        boxes(boxes, input.dtype());
    }

    /** boxes [K,5] (batch index, x1, y1, x2, y2) of dtype {@code dtype}. */
    public static void boxes(Tensor boxes, DType dtype) {
        OpChecks.rows("boxes", boxes, 5);
        OpChecks.floating("boxes", boxes);
        if (boxes.dtype() != dtype) {
            throw new IllegalArgumentException("boxes: expected dtype " + dtype + " (the dtype of the features), got "
                    + boxes.dtype());
        }
    }

    public static void outputSize(int outputHeight, int outputWidth) {
        if (outputHeight <= 0 || outputWidth <= 0) {
            throw new IllegalArgumentException("output_size: expected positive (height, width), got (" + outputHeight
                    + ", " + outputWidth + ")");
        }
    }

    public static void spatialScale(float spatialScale) {
        OpChecks.finite("spatial_scale", spatialScale);
    }

    /**
     * Backward: input_shape [N,C,H,W]; grad_output [K,C,PH,PW] F32/F64 with PH, PW &gt; 0 and K the number of
     * boxes; boxes of grad_output's dtype.
     */
    public static void gradOutput(Tensor gradOutput, Tensor boxes, int[] inputShape) {
        OpChecks.nchw("input_shape", inputShape);
        OpChecks.dims("grad_output", gradOutput, 4, "[K,C,PH,PW]");
        OpChecks.floating("grad_output", gradOutput);
        boxes(boxes, gradOutput.dtype());
        int[] g = gradOutput.shape();
        if (g[0] != boxes.size(0) || g[1] != inputShape[1] || g[2] <= 0 || g[3] <= 0) {
            throw new IllegalArgumentException("grad_output: expected shape [" + boxes.size(0) + "," + inputShape[1]
                    + ",PH,PW] with PH, PW > 0 (K boxes, C channels of input_shape " + Shapes.format(inputShape)
                    + "), got " + Shapes.format(g));
        }
    }

    /** argmax: I32 or I64 of grad_output's shape. */
    public static void argmax(Tensor argmax, Tensor gradOutput) {
        OpChecks.index("argmax", argmax);
        if (!java.util.Arrays.equals(argmax.shape(), gradOutput.shape())) {
            throw new IllegalArgumentException("argmax: expected the shape of grad_output "
                    + Shapes.format(gradOutput.shape()) + ", got " + Shapes.format(argmax.shape()));
        }
    }

    /**
     * Batch indices (column 0 of host boxes, truncated toward zero as torchvision does) as ints, each in [0, n).
     */
    public static int[] batchIndices(Tensor boxes, int n) {
        int k = boxes.size(0);
        int[] idx = new int[k];
        for (int i = 0; i < k; i++) {
            double v = boxes.getDouble(5 * i);
            if (!(v > -1.0 && v < n)) {
                throw new IllegalArgumentException("boxes: batch index (column 0) of RoI " + i + " is " + v
                        + ", expected an image index in [0, " + n + ")");
            }
            idx[i] = (int) v;
        }
        return idx;
    }
}
