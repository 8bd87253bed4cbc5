package org.rcnn4j.backend.cuda;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.rcnn4j.backend.Conv;
import org.rcnn4j.backend.Conv2dGrads;
import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.backend.Conv2dShape;
import org.rcnn4j.backend.OpChecks;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.Cudnn;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.kernels.Conv2dKernels;
import org.rcnn4j.cuda.kernels.GemmKernels.Precision;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * The Conv family through cuDNN: forward, backward data and backward filter on packed NCHW tensors, F32 or F64,
 * any groups, stride, padding and dilation, and the fused bias + ReLU of inference. The algorithm is chosen once per
 * problem and cached, as PyTorch caches its choice per ConvolutionParams (the key: the kind, every extent, the
 * convolution's parameters, dtype, math type, determinism and search mode): with {@code benchmark} the fastest
 * algorithm of cuDNN's timed search on the device (cudnnFind*AlgorithmEx, as torch.backends.cudnn.benchmark),
 * else the first of cuDNN's heuristics list (cudnnGet*Algorithm_v7); either way only algorithms reported as
 * supported, and only deterministic ones in deterministic mode. Workspaces (and the search's scratch output) come
 * from the device's caching allocator and go back right after the call is queued (one stream: later work that
 * reuses the block runs after it).
 *
 * <p>Left to rcnn4j's own kernels ({@link ConvCuda}): the bias gradient (a reduction over N, H, W), empty batches
 * (cuDNN refuses zero extents), and problems for which cuDNN offers no algorithm.
 */
final class CudnnConv implements Conv {
    private final CudaDevice device;
    private final Cudnn cudnn;
    private final ConvCuda own;
    private final CudaLibraryOptions options;
    private final Map<AlgoKey, Integer> algorithms = new ConcurrentHashMap<>();
    private final AtomicInteger searches = new AtomicInteger();
    private final AtomicInteger fusedCalls = new AtomicInteger();

    /** One problem, as the algorithm cache keys it. */
    record AlgoKey(Cudnn.Kind kind, boolean doubles, int n, int c, int h, int w, int o, int kh, int kw,
            Conv2dParams params, int mathType, boolean deterministic, boolean benchmark) {
    }

    /** No algorithm fits: rcnn4j's kernel runs instead. */
    private static final int NONE = -1;

    CudnnConv(CudaDevice device, Cudnn cudnn, CudaLibraryOptions options, ConvCuda own) {
        this.device = device;
        this.cudnn = cudnn;
        this.own = own;
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
            int algo = algorithm(Cudnn.Kind.FORWARD, s, input.dtype(), c, input.deviceBuffer(), weight.deviceBuffer());
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
     * relu(conv2d(input, weight) + bias) in one cuDNN call (cudnnConvolutionBiasActivationForward, with the forward
     * algorithm chosen and cached as for conv2d: with CUDNN_ACTIVATION_RELU every forward algorithm is allowed, only
     * IDENTITY is restricted to IMPLICIT_PRECOMP_GEMM). F64, empty batches and problems without an algorithm: conv2d,
     * then the relu kernel.
     */
    @Override
    public Tensor conv2dBiasRelu(Tensor input, Tensor weight, Tensor bias, Conv2dParams params) {
        OpChecks.notNull("bias", bias);
        Conv2dShape s = Conv2dShape.of(input, weight, bias, params);
        DeviceChecks.requireDevice("input", input);
        DeviceChecks.requireDevice("weight", weight);
        DeviceChecks.requireDevice("bias", bias);
        if (s.n() == 0 || input.dtype() != DType.F32) {
            try (Tensor y = conv2d(input, weight, bias, params)) {
                return own.elementwise().relu(y);
            }
        }
        try (Cudnn.Convolution c = describe(s, input.dtype())) {
            int algo = algorithm(Cudnn.Kind.FORWARD, s, input.dtype(), c, input.deviceBuffer(), weight.deviceBuffer());
            if (algo == NONE) {
                return own.conv2dBiasRelu(input, weight, bias, params);
            }
            long bytes = cudnn.workspaceSize(Cudnn.Kind.FORWARD, c, algo);
            fusedCalls.incrementAndGet();
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
            int algo = algorithm(Cudnn.Kind.BACKWARD_DATA, s, weight.dtype(), c, weight.deviceBuffer(),
                    gradOutput.deviceBuffer());
            if (algo == NONE) {
                return own.conv2dGradInput(gradOutput, weight, s.inputShape(), s.params());
            }
            return DeviceOutputs.filled(device, weight.dtype(), s.inputShape(), dx -> run(Cudnn.Kind.BACKWARD_DATA, c,
                    algo, weight.deviceBuffer(), gradOutput.deviceBuffer(), dx.deviceBuffer()));
        }
    }

    private Tensor gradWeight(Conv2dShape s, Tensor gradOutput, Tensor input) {
        try (Cudnn.Convolution c = describe(s, input.dtype())) {
            int algo = algorithm(Cudnn.Kind.BACKWARD_FILTER, s, input.dtype(), c, input.deviceBuffer(),
                    gradOutput.deviceBuffer());
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

    /**
     * The cached choice for this problem, made on first use: by the timed search in benchmark mode (run on the
     * operands {@code a} and {@code b}, into a scratch output), else by the heuristics.
     */
    int algorithm(Cudnn.Kind kind, Conv2dShape s, DType dtype, Cudnn.Convolution c, DeviceBuffer a, DeviceBuffer b) {
        AlgoKey key = new AlgoKey(kind, dtype == DType.F64, s.n(), s.c(), s.h(), s.w(), s.o(), s.kh(), s.kw(),
                s.params(), mathType(dtype), options.deterministic(), options.benchmark());
        return algorithms.computeIfAbsent(key, k -> options.benchmark() ? search(kind, s, dtype, c, a, b)
                : firstAcceptable(cudnn.algorithms(kind, c), Long.MAX_VALUE));
    }

    /** The first supported algorithm of {@code list} (deterministic in deterministic mode) within the workspace. */
    private int firstAcceptable(List<Cudnn.AlgoPerf> list, long workspaceBytes) {
        for (Cudnn.AlgoPerf perf : list) {
            if (perf.status() == 0 && (!options.deterministic() || perf.deterministic())
                    && perf.memory() <= workspaceBytes) {
                return perf.algo();
            }
        }
        return NONE;
    }

    /**
     * cudnnFind*AlgorithmEx with a workspace as large as the largest any supported algorithm asks for (as PyTorch
     * sizes its search), or none when the device cannot spare it; the fastest acceptable result.
     */
    private int search(Cudnn.Kind kind, Conv2dShape s, DType dtype, Cudnn.Convolution c, DeviceBuffer a,
            DeviceBuffer b) {
        searches.incrementAndGet();
        long most = 0;
        for (Cudnn.AlgoPerf perf : cudnn.algorithms(kind, c)) {
            if (perf.status() == 0) {
                most = Math.max(most, cudnn.workspaceSize(kind, c, perf.algo()));
            }
        }
        int[] outShape = switch (kind) {
            case FORWARD -> s.outputShape();
            case BACKWARD_DATA -> s.inputShape();
            case BACKWARD_FILTER -> s.weightShape();
        };
        long outBytes = (long) dtype.bytes() * org.rcnn4j.tensor.Shapes.numel(outShape);
        DeviceBuffer ws = null;
        long wsBytes = most;
        try (DeviceBuffer out = device.allocate(outBytes)) {
            try {
                ws = most == 0 ? null : device.allocate(most);
            } catch (RuntimeException outOfMemory) {
                wsBytes = 0;  // search among the algorithms that need none
            }
            return firstAcceptable(cudnn.find(kind, c, a, b, out, ws, wsBytes), wsBytes);
        } finally {
            if (ws != null) {
                ws.close();
            }
        }
    }

    /** How many cudnnConvolutionBiasActivationForward calls were queued (for tests and diagnostics). */
    int fusedCalls() {
        return fusedCalls.get();
    }

    /** How many timed searches ran (one per new problem in benchmark mode; for tests and diagnostics). */
    int searches() {
        return searches.get();
    }

    /** The cached choices so far (for tests and diagnostics). */
    Map<AlgoKey, Integer> chosenAlgorithms() {
        return Map.copyOf(algorithms);
    }
}
