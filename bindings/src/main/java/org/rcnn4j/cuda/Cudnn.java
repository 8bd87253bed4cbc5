package org.rcnn4j.cuda;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * cuDNN 9 on one device through rcnn4j's JNI binding: 2-D convolutions (forward, backward data, backward filter,
 * fused bias + ReLU) on packed NCHW tensors, through the legacy convolution API, queued on the device's stream.
 * {@link Convolution} holds one problem's descriptors; the caller chooses the algorithm from
 * {@link #algorithms} and provides the workspace that {@link #workspaceSize} asks for.
 *
 * <p>{@link #status(CudaDevice)} says whether cuDNN is usable and why not; {@link #open(CudaDevice)} throws
 * {@link CudaUnavailableException} with that reason. On the emulator this is rcnn4j's CPU stand-in.
 */
public final class Cudnn {
    // cudnnDataType_t, cudnnTensorFormat_t, cudnnConvolutionMode_t, cudnnActivationMode_t, cudnnNanPropagation_t
    static final int DATA_FLOAT = 0;
    static final int DATA_DOUBLE = 1;
    static final int FORMAT_NCHW = 0;
    static final int CROSS_CORRELATION = 1;
    static final int ACTIVATION_RELU = 1;
    static final int PROPAGATE_NAN = 1;
    // descriptor kinds of the binding's create/destroy calls
    private static final int TENSOR = 0;
    private static final int FILTER = 1;
    private static final int CONVOLUTION = 2;
    private static final int ACTIVATION = 3;

    /** cudnnMathType_t: DEFAULT allows TF32 for FP32 (and tensor cores), FMA forbids it. */
    public static final int MATH_DEFAULT = 0;
    public static final int MATH_TENSOR_OP = 1;
    public static final int MATH_FMA = 3;
    /** cudnnConvolutionFwdAlgo_t CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM. */
    public static final int FWD_IMPLICIT_PRECOMP_GEMM = 1;

    /** The three convolutions, in the binding's order. */
    public enum Kind {
        FORWARD("cudnnConvolutionForward"),
        BACKWARD_DATA("cudnnConvolutionBackwardData"),
        BACKWARD_FILTER("cudnnConvolutionBackwardFilter");

        final String call;

        Kind(String call) {
            this.call = call;
        }
    }

    /** One entry of cudnnGet*Algorithm_v7's or cudnnFind*AlgorithmEx's list (time in milliseconds, -1 if none). */
    public record AlgoPerf(int algo, int status, float time, long memory, boolean deterministic, int mathType) {
    }

    private static final Map<CudaDevice, Cudnn> OPEN = new HashMap<>();

    private final CudaDevice device;
    private final NvidiaLibraries.Opened library;
    private final HandlePool handles;
    private final long versionNumber;

    private Cudnn(CudaDevice device, NvidiaLibraries.Opened library) {
        this.device = device;
        this.library = library;
        this.handles = new HandlePool(this::createHandle);
        this.versionNumber = NvidiaNative.cudnnGetVersion();
        handles.release(handles.acquire());  // a handle now: a broken install fails here, not in the first conv
    }

    /**
     * cuDNN on this device (one instance per device).
     *
     * @throws CudaUnavailableException cuDNN cannot be used here; the message says why
     */
    public static synchronized Cudnn open(CudaDevice device) {
        Cudnn c = OPEN.get(device);
        if (c == null) {
            NvidiaLibraries.Opened lib = NvidiaLibraries.cudnn(device.isEmulated());
            if (lib.error() != null) {
                throw new CudaUnavailableException("cuDNN is unavailable: " + lib.error());
            }
            device.enter();
            c = new Cudnn(device, lib);
            OPEN.put(device, c);
        }
        return c;
    }

    /** Whether cuDNN is usable on this device: its version and file, or why not. Never throws. */
    public static NvidiaLibraryStatus status(CudaDevice device) {
        try {
            Cudnn c = open(device);
            return new NvidiaLibraryStatus("cuDNN", c.version(), c.library.path(), c.library.standIn(), null);
        } catch (RuntimeException | LinkageError e) {
            return NvidiaLibraryStatus.unavailable("cuDNN", e.getMessage());
        }
    }

    /** "9.6.0" from CUDNN_VERSION = major * 10000 + minor * 100 + patch (cuDNN 9). */
    public String version() {
        long v = versionNumber;
        return v / 10000 + "." + v / 100 % 100 + "." + v % 100;
    }

    public boolean isStandIn() {
        return library.standIn();
    }

    /**
     * The descriptors of one 2-D convolution, NCHW: x [n,c,h,w], w [k, c/groups, r, s], y as cuDNN computes it
     * (which must be the caller's output shape; {@link Convolution#outputShape()}).
     */
    public Convolution convolution(boolean doubles, int n, int c, int h, int w, int k, int r, int s, int padH,
            int padW, int strideH, int strideW, int dilationH, int dilationW, int groups, int mathType) {
        return new Convolution(doubles, new int[] {n, c, h, w}, new int[] {k, c / groups, r, s},
                new int[] {padH, padW, strideH, strideW, dilationH, dilationW}, groups, mathType);
    }

    /** cudnnGet*Algorithm_v7's list for this problem, best first by cuDNN's heuristics. */
    public List<AlgoPerf> algorithms(Kind kind, Convolution conv) {
        long h = acquire();
        try {
            int[] returned = new int[1];
            long[] perf = new long[6 * 16];
            long[] d = conv.operands(kind);
            check(NvidiaNative.cudnnGetAlgorithms(kind.ordinal(), h, d[0], d[1], conv.conv, d[2], 16, returned, perf),
                    kind.call.replace("cudnnConvolution", "cudnnGetConvolution") + "Algorithm_v7");
            return perfList(returned[0], perf);
        } finally {
            handles.release(h);
        }
    }

    /**
     * cudnnFind*AlgorithmEx's list for this problem: every algorithm run on the operands given and timed on the
     * device, fastest first (torch.backends.cudnn.benchmark's search). Operands as for {@link #run}; {@code out} is
     * overwritten. Algorithms needing more than {@code workspaceBytes} come back with a failure status.
     */
    public List<AlgoPerf> find(Kind kind, Convolution conv, DeviceBuffer a, DeviceBuffer b, DeviceBuffer out,
            DeviceBuffer workspace, long workspaceBytes) {
        long h = acquire();
        try {
            int[] returned = new int[1];
            long[] perf = new long[6 * 16];
            long[] d = conv.operands(kind);
            check(NvidiaNative.cudnnFindAlgorithms(kind.ordinal(), h, d[0], NvidiaLibraries.address(a), d[1],
                    NvidiaLibraries.address(b), conv.conv, d[2], NvidiaLibraries.address(out), 16, returned, perf,
                    NvidiaLibraries.address(workspace), workspaceBytes),
                    kind.call.replace("cudnnConvolution", "cudnnFindConvolution") + "AlgorithmEx");
            return perfList(returned[0], perf);
        } finally {
            handles.release(h);
        }
    }

    /** The binding's perf rows (6 longs each) as records. */
    private static List<AlgoPerf> perfList(int count, long[] perf) {
        List<AlgoPerf> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(new AlgoPerf((int) perf[6 * i], (int) perf[6 * i + 1], Float.intBitsToFloat((int) perf[6 * i + 2]),
                    perf[6 * i + 3], perf[6 * i + 4] == 1, (int) perf[6 * i + 5]));
        }
        return list;
    }

    /** Workspace bytes {@code algo} needs for this problem. */
    public long workspaceSize(Kind kind, Convolution conv, int algo) {
        long h = acquire();
        try {
            long[] bytes = new long[1];
            long[] d = conv.operands(kind);
            check(NvidiaNative.cudnnGetWorkspaceSize(kind.ordinal(), h, d[0], d[1], conv.conv, d[2], algo, bytes),
                    "cudnnGetConvolution" + kind.call.substring("cudnnConvolution".length()) + "WorkspaceSize");
            return bytes[0];
        } finally {
            handles.release(h);
        }
    }

    /**
     * Queues one convolution: out = alpha op(a, b) + beta out, where forward takes (x, w) into y, backward data
     * (w, dy) into dx and backward filter (x, dy) into dw. The workspace may be null when {@code workspaceBytes}
     * is 0.
     */
    public void run(Kind kind, Convolution conv, int algo, DeviceBuffer a, DeviceBuffer b, DeviceBuffer out,
            DeviceBuffer workspace, long workspaceBytes, double alpha, double beta) {
        long h = acquire();
        try {
            long[] d = conv.operands(kind);
            check(NvidiaNative.cudnnConvolution(kind.ordinal(), h, conv.doubles, false, alpha, 0, d[0],
                    NvidiaLibraries.address(a), d[1], NvidiaLibraries.address(b), conv.conv, algo,
                    NvidiaLibraries.address(workspace), workspaceBytes, beta, 0, d[2], NvidiaLibraries.address(out)),
                    kind.call + "(algo " + algo + ")");
        } finally {
            handles.release(h);
        }
    }

    /** Queues y += bias broadcast over [1,K,1,1] (cudnnAddTensor). */
    public void addBias(Convolution conv, DeviceBuffer bias, DeviceBuffer y) {
        long h = acquire();
        try {
            check(NvidiaNative.cudnnAddTensor(h, conv.doubles, 1.0, conv.bias(), NvidiaLibraries.address(bias), 1.0,
                    conv.y, NvidiaLibraries.address(y)), "cudnnAddTensor(bias)");
        } finally {
            handles.release(h);
        }
    }

    /**
     * Queues y = relu(conv(x, w) + bias) in one call (cudnnConvolutionBiasActivationForward, z = y with alpha2 = 0,
     * so y is not read): the fused inference convolution.
     */
    public void convolutionBiasRelu(Convolution conv, int algo, DeviceBuffer x, DeviceBuffer w, DeviceBuffer bias,
            DeviceBuffer y, DeviceBuffer workspace, long workspaceBytes) {
        long h = acquire();
        try {
            long yp = NvidiaLibraries.address(y);
            check(NvidiaNative.cudnnBiasActivationForward(h, conv.doubles, 1.0, conv.x, NvidiaLibraries.address(x),
                    conv.w, NvidiaLibraries.address(w), conv.conv, algo, NvidiaLibraries.address(workspace),
                    workspaceBytes, 0.0, conv.y, yp, conv.bias(), NvidiaLibraries.address(bias), conv.relu(), conv.y,
                    yp), "cudnnConvolutionBiasActivationForward(algo " + algo + ")");
        } finally {
            handles.release(h);
        }
    }

    long acquire() {
        device.enter();
        long h = handles.acquire();
        try {
            check(NvidiaNative.cudnnSetStream(h, NvidiaLibraries.stream(device)), "cudnnSetStream");
            return h;
        } catch (RuntimeException e) {
            handles.release(h);
            throw e;
        }
    }

    void release(long handle) {
        handles.release(handle);
    }

    private long createHandle() {
        long[] h = new long[1];
        check(NvidiaNative.cudnnCreate(h), "cudnnCreate");
        return h[0];
    }

    /** Throws NvidiaLibraryException unless {@code status} is CUDNN_STATUS_SUCCESS. */
    static void check(int status, String call) {
        if (status != 0) {
            throw new NvidiaLibraryException("cuDNN", call + " failed: status " + status + " ("
                    + NvidiaNative.cudnnDescribe(status) + ")", status);
        }
    }

    /**
     * The descriptors of one convolution problem (x, w, conv, y; the bias and ReLU descriptors made on first use).
     * Close it to destroy them.
     */
    public static final class Convolution implements AutoCloseable {
        final boolean doubles;
        final long x;
        final long w;
        final long conv;
        final long y;
        private final int[] outputShape = new int[4];
        private long bias;
        private long relu;
        private boolean closed;

        private Convolution(boolean doubles, int[] xs, int[] ws, int[] geometry, int groups, int mathType) {
            this.doubles = doubles;
            int dtype = doubles ? DATA_DOUBLE : DATA_FLOAT;
            long[] made = new long[4];
            try {
                made[0] = create(TENSOR);
                check(NvidiaNative.cudnnSetTensor4d(made[0], FORMAT_NCHW, dtype, xs[0], xs[1], xs[2], xs[3]),
                        "cudnnSetTensor4dDescriptor(x)");
                made[1] = create(FILTER);
                check(NvidiaNative.cudnnSetFilter4d(made[1], dtype, FORMAT_NCHW, ws[0], ws[1], ws[2], ws[3]),
                        "cudnnSetFilter4dDescriptor(w)");
                made[2] = create(CONVOLUTION);
                check(NvidiaNative.cudnnSetConvolution2d(made[2], geometry[0], geometry[1], geometry[2], geometry[3],
                        geometry[4], geometry[5], CROSS_CORRELATION, dtype), "cudnnSetConvolution2dDescriptor");
                check(NvidiaNative.cudnnSetConvolutionGroupCount(made[2], groups), "cudnnSetConvolutionGroupCount");
                check(NvidiaNative.cudnnSetConvolutionMathType(made[2], mathType), "cudnnSetConvolutionMathType");
                check(NvidiaNative.cudnnGetForwardOutputDim(made[2], made[0], made[1], outputShape),
                        "cudnnGetConvolution2dForwardOutputDim");
                made[3] = create(TENSOR);
                check(NvidiaNative.cudnnSetTensor4d(made[3], FORMAT_NCHW, dtype, outputShape[0], outputShape[1],
                        outputShape[2], outputShape[3]), "cudnnSetTensor4dDescriptor(y)");
            } catch (RuntimeException e) {
                int[] kinds = {TENSOR, FILTER, CONVOLUTION, TENSOR};
                for (int i = 0; i < 4; i++) {
                    if (made[i] != 0) {
                        NvidiaNative.cudnnDestroyDescriptor(kinds[i], made[i]);
                    }
                }
                throw e;
            }
            this.x = made[0];
            this.w = made[1];
            this.conv = made[2];
            this.y = made[3];
        }

        /** The output shape cuDNN computes, [n, k, oh, ow]. */
        public int[] outputShape() {
            return outputShape.clone();
        }

        /** The three descriptors of a kind in the binding's order (the convolution descriptor goes between). */
        long[] operands(Kind kind) {
            return switch (kind) {
                case FORWARD -> new long[] {x, w, y};
                case BACKWARD_DATA -> new long[] {w, y, x};
                case BACKWARD_FILTER -> new long[] {x, y, w};
            };
        }

        long bias() {
            if (bias == 0) {
                long d = create(TENSOR);
                int status = NvidiaNative.cudnnSetTensor4d(d, FORMAT_NCHW, doubles ? DATA_DOUBLE : DATA_FLOAT, 1,
                        outputShape[1], 1, 1);
                if (status != 0) {
                    NvidiaNative.cudnnDestroyDescriptor(TENSOR, d);
                    check(status, "cudnnSetTensor4dDescriptor(bias)");
                }
                bias = d;
            }
            return bias;
        }

        long relu() {
            if (relu == 0) {
                long d = create(ACTIVATION);
                int status = NvidiaNative.cudnnSetActivation(d, ACTIVATION_RELU, PROPAGATE_NAN, 0.0);
                if (status != 0) {
                    NvidiaNative.cudnnDestroyDescriptor(ACTIVATION, d);
                    check(status, "cudnnSetActivationDescriptor(relu)");
                }
                relu = d;
            }
            return relu;
        }

        private static long create(int kind) {
            long[] d = new long[1];
            check(NvidiaNative.cudnnCreateDescriptor(kind, d), "cudnnCreate descriptor");
            return d[0];
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            NvidiaNative.cudnnDestroyDescriptor(TENSOR, x);
            NvidiaNative.cudnnDestroyDescriptor(FILTER, w);
            NvidiaNative.cudnnDestroyDescriptor(CONVOLUTION, conv);
            NvidiaNative.cudnnDestroyDescriptor(TENSOR, y);
            if (bias != 0) {
                NvidiaNative.cudnnDestroyDescriptor(TENSOR, bias);
            }
            if (relu != 0) {
                NvidiaNative.cudnnDestroyDescriptor(ACTIVATION, relu);
            }
        }
    }
}
