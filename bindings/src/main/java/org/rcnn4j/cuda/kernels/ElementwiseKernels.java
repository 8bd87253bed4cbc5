package org.rcnn4j.cuda.kernels;

import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.Grid;

/**
 * The pointer-level face of cuda/elementwise.cu: F32 elementwise ops over n elements (autograd's add/sub/mul,
 * scaling, relu and sigmoid with their backward). Asynchronous on the device's stream; out may not alias inputs
 * unless noted.
 */
public final class ElementwiseKernels {
    public static final String AXPBY_F32 = "rcnn4j_elementwise_axpby_f32";
    public static final String SCALE_F32 = "rcnn4j_elementwise_scale_f32";
    public static final String MUL_F32 = "rcnn4j_elementwise_mul_f32";
    public static final String RELU_F32 = "rcnn4j_elementwise_relu_f32";
    public static final String RELU_BACKWARD_F32 = "rcnn4j_elementwise_relu_backward_f32";
    public static final String SIGMOID_F32 = "rcnn4j_elementwise_sigmoid_f32";
    public static final String SIGMOID_BACKWARD_F32 = "rcnn4j_elementwise_sigmoid_backward_f32";

    private static final int BLOCK = 256;
    private static final long MAX_THREADS = 1L << 22;

    private ElementwiseKernels() {
    }

    private static Grid grid(long n) {
        return Grid.linear(Math.min(n, MAX_THREADS), BLOCK);
    }

    private static boolean empty(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("n: must be >= 0, got " + n);
        }
        return n == 0;
    }

    /** out = alpha * x + beta * y. */
    public static void axpby(CudaDevice device, DeviceBuffer x, DeviceBuffer y, float alpha, float beta,
            DeviceBuffer out, long n) {
        if (!empty(n)) {
            device.kernel(AXPBY_F32).launch(grid(n), x.pointer(), y.pointer(), alpha, beta, out.pointer(), n);
        }
    }

    /** out = s * x. */
    public static void scale(CudaDevice device, DeviceBuffer x, float s, DeviceBuffer out, long n) {
        if (!empty(n)) {
            device.kernel(SCALE_F32).launch(grid(n), x.pointer(), s, out.pointer(), n);
        }
    }

    /** out = x * y. */
    public static void mul(CudaDevice device, DeviceBuffer x, DeviceBuffer y, DeviceBuffer out, long n) {
        if (!empty(n)) {
            device.kernel(MUL_F32).launch(grid(n), x.pointer(), y.pointer(), out.pointer(), n);
        }
    }

    /** out = relu(x), NaN kept. */
    public static void relu(CudaDevice device, DeviceBuffer x, DeviceBuffer out, long n) {
        if (!empty(n)) {
            device.kernel(RELU_F32).launch(grid(n), x.pointer(), out.pointer(), n);
        }
    }

    /** out = y &gt; 0 ? g : 0 (y the relu output). */
    public static void reluBackward(CudaDevice device, DeviceBuffer g, DeviceBuffer y, DeviceBuffer out, long n) {
        if (!empty(n)) {
            device.kernel(RELU_BACKWARD_F32).launch(grid(n), g.pointer(), y.pointer(), out.pointer(), n);
        }
    }

    /** out = sigmoid(x). */
    public static void sigmoid(CudaDevice device, DeviceBuffer x, DeviceBuffer out, long n) {
        if (!empty(n)) {
            device.kernel(SIGMOID_F32).launch(grid(n), x.pointer(), out.pointer(), n);
        }
    }

    /** out = g * y * (1 - y) (y the sigmoid output). */
    public static void sigmoidBackward(CudaDevice device, DeviceBuffer g, DeviceBuffer y, DeviceBuffer out, long n) {
        if (!empty(n)) {
            device.kernel(SIGMOID_BACKWARD_F32).launch(grid(n), g.pointer(), y.pointer(), out.pointer(), n);
        }
    }
}
