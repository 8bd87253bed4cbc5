package org.rcnn4j.backend.cuda;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.rcnn4j.backend.Conv;
import org.rcnn4j.backend.Conv2dGrads;
import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.backend.Conv2dShape;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.Cudnn;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.kernels.Conv2dKernels;
import org.rcnn4j.cuda.kernels.GemmKernels.Precision;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * The Conv family through cuDNN: forward, backward data and backward filter on packed NCHW tensors, F32 or F64,
 * any groups, stride, padding and dilation. The algorithm is chosen once per problem (shape, parameters, dtype,
 * math type, determinism) from cuDNN's heuristics list, as PyTorch caches its choice per ConvolutionParams: the
 * first algorithm that cuDNN reports as supported (and deterministic, in deterministic mode). Workspaces come from
 * the device's caching allocator and go back right after the call is queued (one stream: later work that reuses
 * the block runs after it).
 *
 * <p>Left to rcnn4j's own kernels ({@link ConvCuda}): the bias gradient (a reduction over N, H, W) and empty
 * batches (cuDNN refuses zero extents), and problems for which cuDNN offers no algorithm.
 */
final class CudnnConv implements Conv {
    private final CudaDevice device;
    private final Cudnn cudnn;
    private final ConvCuda own;
    private final CudaLibraryOptions options;
    private final Map<AlgoKey, Integer> algorithms = new ConcurrentHashMap<>();

    /** One problem, as the algorithm cache keys it. */
    record AlgoKey(Cudnn.Kind kind, boolean doubles, int n, int c, int h, int w, int o, int kh, int kw,
            Conv2dParams params, int mathType, boolean deterministic) {
    }

    /** No algorithm fits: rcnn4j's kernel runs instead. */
    private static final int NONE = -1;

    CudnnConv(CudaDevice device, Cudnn cudnn, CudaLibraryOptions options) {
        this.device = device;
        this.cudnn = cudnn;
        this.own = new ConvCuda(device);
        this.options = options;
    }

    @Override
    public Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params) {
        Conv2dShape s = Conv2dShape.of(input, weight, bias, params);
        DeviceChecks.requireDevice("input", input);
        DeviceChecks.requireDevice("weight", weight);
        if (bias != null) {
            DeviceChecks.requireDevice("bias", bias);
        }
        if (s.n() == 0) {
            return own.conv2d(input, weight, bias, params);
        }
        try (Cudnn.Convolution c = describe(s, input.dtype())) {
            int algo = algorithm(Cudnn.Kind.FORWARD, s, input.dtype(), c);
            if (algo == NONE) {
                return own.conv2d(input, weight, bias, params);
            }
            return DeviceOutputs.filled(device, input.dtype(), s.outputShape(), y -> {
                run(Cudnn.Kind.FORWARD, c, algo, input.deviceBuffer(), weight.deviceBuffer(), y.deviceBuffer());
                if (bias != null) {
                    cudnn.addBias(c, bias.deviceBuffer(), y.deviceBuffer());
                }
            });
        }
    }

    /**
     * relu(conv2d(input, weight) + bias) in one cuDNN call (cudnnConvolutionBiasActivationForward), the fused
     * convolution of inference; bias is required.
     */
    Tensor conv2dBiasRelu(Tensor input, Tensor weight, Tensor bias, Conv2dParams params) {
        if (bias == null) {
            throw new IllegalArgumentException("bias: must not be null (the fused convolution adds it)");
        }
        Conv2dShape s = Conv2dShape.of(input, weight, bias, params);
        DeviceChecks.requireDevice("input", input);
        DeviceChecks.requireDevice("weight", weight);
        DeviceChecks.requireDevice("bias", bias);
        try (Cudnn.Convolution c = describe(s, input.dtype())) {
            // IMPLICIT_PRECOMP_GEMM: the algorithm cuDNN documents for this call
            int algo = Cudnn.FWD_IMPLICIT_PRECOMP_GEMM;
            long bytes = cudnn.workspaceSize(Cudnn.Kind.FORWARD, c, algo);
            return DeviceOutputs.filled(device, input.dtype(), s.outputShape(), y -> {
                try (DeviceBuffer ws = bytes == 0 ? null : device.allocate(bytes)) {
                    cudnn.convolutionBiasRelu(c, algo, input.deviceBuffer(), weight.deviceBuffer(),
                            bias.deviceBuffer(), y.deviceBuffer(), ws, bytes);
                }
            });
        }
    }

    @Override
    public Conv2dGrads conv2dBackward(Tensor gradOutput, Tensor input, Tensor weight, Conv2dParams params,
            boolean withBias) {
        Conv2dShape s = Conv2dShape.ofBackward(gradOutput, input, weight, params);
        DeviceChecks.requireDevice("grad_output", gradOutput);
        DeviceChecks.requireDevice("input", input);
        DeviceChecks.requireDevice("weight", weight);
        if (s.n() == 0) {
            return own.conv2dBackward(gradOutput, input, weight, params, withBias);
        }
        Tensor gradInput = null;
        Tensor gradWeight = null;
        Tensor gradBias = null;
        try {
            gradInput = gradInput(s, gradOutput, weight);
            gradWeight = gradWeight(s, gradOutput, input);
            if (withBias) {
                gradBias = Transfers.empty(device, input.dtype(), s.o());
                Conv2dKernels.gradBias(device, input.dtype() == DType.F32 ? Precision.F32 : Precision.F64, s.n(),
                        s.o(), s.p(), gradOutput.deviceBuffer().pointer(), gradBias.deviceBuffer().pointer());
            }
            return new Conv2dGrads(gradInput, gradWeight, gradBias);
        } catch (RuntimeException | Error e) {
            for (Tensor t : new Tensor[] {gradInput, gradWeight, gradBias}) {
                if (t != null) {
                    t.close();
                }
            }
            throw e;
        }
    }

    @Override
    public Tensor conv2dGradInput(Tensor gradOutput, Tensor weight, int[] inputShape, Conv2dParams params) {
        Conv2dShape s = Conv2dShape.ofGradInput(gradOutput, weight, inputShape, params);
        DeviceChecks.requireDevice("grad_output", gradOutput);
        DeviceChecks.requireDevice("weight", weight);
        if (s.n() == 0) {
            return own.conv2dGradInput(gradOutput, weight, inputShape, params);
        }
        return gradInput(s, gradOutput, weight);
    }

    @Override
    public Tensor conv2dGradWeight(Tensor gradOutput, Tensor input, int[] weightShape, Conv2dParams params) {
        Conv2dShape s = Conv2dShape.ofGradWeight(gradOutput, input, weightShape, params);
        DeviceChecks.requireDevice("grad_output", gradOutput);
        DeviceChecks.requireDevice("input", input);
        if (s.n() == 0) {
            return own.conv2dGradWeight(gradOutput, input, weightShape, params);
        }
        return gradWeight(s, gradOutput, input);
    }

    private Tensor gradInput(Conv2dShape s, Tensor gradOutput, Tensor weight) {
        try (Cudnn.Convolution c = describe(s, weight.dtype())) {
            int algo = algorithm(Cudnn.Kind.BACKWARD_DATA, s, weight.dtype(), c);
            if (algo == NONE) {
                return own.conv2dGradInput(gradOutput, weight, s.inputShape(), s.params());
            }
            return DeviceOutputs.filled(device, weight.dtype(), s.inputShape(), dx -> run(Cudnn.Kind.BACKWARD_DATA, c,
                    algo, weight.deviceBuffer(), gradOutput.deviceBuffer(), dx.deviceBuffer()));
        }
    }

    private Tensor gradWeight(Conv2dShape s, Tensor gradOutput, Tensor input) {
        try (Cudnn.Convolution c = describe(s, input.dtype())) {
            int algo = algorithm(Cudnn.Kind.BACKWARD_FILTER, s, input.dtype(), c);
            if (algo == NONE) {
                return own.conv2dGradWeight(gradOutput, input, s.weightShape(), s.params());
            }
            return DeviceOutputs.filled(device, input.dtype(), s.weightShape(), dw -> run(Cudnn.Kind.BACKWARD_FILTER,
                    c, algo, input.deviceBuffer(), gradOutput.deviceBuffer(), dw.deviceBuffer()));
        }
    }

    /** Queues one convolution with a workspace of the size cuDNN asks for this algorithm. */
    private void run(Cudnn.Kind kind, Cudnn.Convolution c, int algo, DeviceBuffer a, DeviceBuffer b,
            DeviceBuffer out) {
        long bytes = cudnn.workspaceSize(kind, c, algo);
        try (DeviceBuffer ws = bytes == 0 ? null : device.allocate(bytes)) {
            cudnn.run(kind, c, algo, a, b, out, ws, bytes, 1.0, 0.0);
        }
    }

    private Cudnn.Convolution describe(Conv2dShape s, DType dtype) {
        Conv2dParams p = s.params();
        Cudnn.Convolution c = cudnn.convolution(dtype == DType.F64, s.n(), s.c(), s.h(), s.w(), s.o(), s.kh(), s.kw(),
                p.padH(), p.padW(), p.strideH(), p.strideW(), p.dilationH(), p.dilationW(), p.groups(),
                mathType(dtype));
        int[] y = c.outputShape();
        if (!java.util.Arrays.equals(y, s.outputShape())) {
            c.close();
            throw new IllegalStateException("cuDNN computes output " + java.util.Arrays.toString(y) + " for "
                    + s + ", rcnn4j " + java.util.Arrays.toString(s.outputShape()));
        }
        return c;
    }

    /** FP32 may use TF32 tensor cores unless switched off (then FMA math); FP64 has no reduced mode. */
    private int mathType(DType dtype) {
        return dtype == DType.F32 && !options.cudnnTf32() ? Cudnn.MATH_FMA : Cudnn.MATH_DEFAULT;
    }

    /** The cached choice for this problem, made on first use. */
    int algorithm(Cudnn.Kind kind, Conv2dShape s, DType dtype, Cudnn.Convolution c) {
        AlgoKey key = new AlgoKey(kind, dtype == DType.F64, s.n(), s.c(), s.h(), s.w(), s.o(), s.kh(), s.kw(),
                s.params(), mathType(dtype), options.deterministic());
        return algorithms.computeIfAbsent(key, k -> {
            for (Cudnn.AlgoPerf perf : cudnn.algorithms(kind, c)) {
                if (perf.status() == 0 && (!options.deterministic() || perf.deterministic())) {
                    return perf.algo();
                }
            }
            return NONE;
        });
    }

    /** The cached choices so far (for tests and diagnostics). */
    Map<AlgoKey, Integer> chosenAlgorithms() {
        return Map.copyOf(algorithms);
    }
}
