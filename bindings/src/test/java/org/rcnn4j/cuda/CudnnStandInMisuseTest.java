package org.rcnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each check of the emulator's stand-in cuDNN (cuda/emu/standins/cudnn.cpp) fails a call that breaks it, with the
 * status cuDNN 9 documents (or, where the documentation names none, the one README.md gives) and a last-error
 * message naming the problem; the unbroken call succeeds.
 */
class CudnnStandInMisuseTest {
    private static final int BAD_PARAM = 2000;
    private static final int NULL_POINTER = 2002;
    private static final int MISALIGNED = 2003;
    private static final int SIZE_INSUFFICIENT = 2006;
    private static final int NOT_SUPPORTED = 3000;
    private static final int EXECUTION_FAILED = 5000;
    private static final int FORWARD = 0;
    private static final int FILTER = 2;

    private CudaDevice device;
    private Cudnn cudnn;
    private long handle;
    private Cudnn.Convolution conv;
    private final List<DeviceBuffer> buffers = new ArrayList<>();
    private final List<long[]> descriptors = new ArrayList<>();  // {kind, descriptor}
    private DeviceBuffer x;
    private DeviceBuffer w;
    private DeviceBuffer y;

    @BeforeEach
    void setUp() {
        device = TestDevice.emulatorWithTestKernels();
        cudnn = Cudnn.open(device);
        assertTrue(cudnn.isStandIn(), "the emulator must load rcnn4j's stand-in cuDNN");
        handle = cudnn.acquire();
        // x [2,4,6,6], w [6,2,3,3] in 2 groups, pad 1: y [2,6,6,6]
        conv = cudnn.convolution(false, 2, 4, 6, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 2, Cudnn.MATH_FMA);
        x = buffer(2 * 4 * 6 * 6);
        w = buffer(6 * 2 * 3 * 3);
        y = buffer(2 * 6 * 6 * 6);
    }

    @AfterEach
    void tearDown() {
        if (cudnn != null) {
            cudnn.release(handle);
        }
        if (conv != null) {
            conv.close();
        }
        buffers.forEach(DeviceBuffer::close);
        for (long[] d : descriptors) {
            NvidiaNative.cudnnDestroyDescriptor((int) d[0], d[1]);
        }
    }

    private DeviceBuffer buffer(int floats) {
        DeviceBuffer b = device.allocate(4L * floats);
        buffers.add(b);
        float[] values = new float[floats];
        for (int i = 0; i < floats; i++) {
            values[i] = (float) Math.sin(i * 0.37);
        }
        device.copyHostToDevice(b, values);
        return b;
    }

    private long tensor(int n, int c, int h, int wd, int dtype, int format) {
        long[] d = new long[1];
        assertEquals(0, NvidiaNative.cudnnCreateDescriptor(0, d));
        descriptors.add(new long[] {0, d[0]});
        assertEquals(0, NvidiaNative.cudnnSetTensor4d(d[0], format, dtype, n, c, h, wd));
        return d[0];
    }

    private int forward(long h, long xDesc, long xPtr, long yDesc, int algo, long ws, long wsBytes, boolean raw,
            long scalarPtr) {
        return NvidiaNative.cudnnConvolution(FORWARD, h, false, raw, 1.0, scalarPtr, xDesc, xPtr, conv.w,
                NvidiaLibraries.address(w), conv.conv, algo, ws, wsBytes, 0.0, scalarPtr, yDesc,
                NvidiaLibraries.address(y));
    }

    private int forward(long xPtr) {
        return forward(handle, conv.x, xPtr, conv.y, 0, 0, 0, false, 0);
    }

    private static void assertStatus(int expected, int actual, String check) {
        String text = NvidiaNative.cudnnDescribe(actual);
        assertEquals(expected, actual, check + ": " + text);
        if (expected != 0) {
            assertTrue(text.contains("cudnn"), check + ": the last-error message names the call: " + text);
        }
    }

    @Test
    void theUnbrokenCallSucceeds() {
        assertStatus(0, forward(NvidiaLibraries.address(x)), "control");
    }

    @Test
    void handleMustBeLiveWithALiveStream() {
        assertStatus(NULL_POINTER, forward(0, conv.x, NvidiaLibraries.address(x), conv.y, 0, 0, 0, false, 0),
                "null handle");
        long[] h = new long[1];
        assertStatus(0, NvidiaNative.cudnnCreate(h), "create");
        assertStatus(EXECUTION_FAILED, forward(h[0], conv.x, NvidiaLibraries.address(x), conv.y, 0, 0, 0, false, 0),
                "no stream set");
        CUstream s = new CUstream();
        assertEquals(0, JCudaDriver.cuStreamCreate(s, 0));
        assertStatus(0, NvidiaNative.cudnnSetStream(h[0], NvidiaNative.address(s)), "set stream");
        assertEquals(0, JCudaDriver.cuStreamDestroy(s));
        assertStatus(EXECUTION_FAILED, forward(h[0], conv.x, NvidiaLibraries.address(x), conv.y, 0, 0, 0, false, 0),
                "destroyed stream");
        assertStatus(0, NvidiaNative.cudnnDestroy(h[0]), "destroy");
        assertStatus(BAD_PARAM, forward(h[0], conv.x, NvidiaLibraries.address(x), conv.y, 0, 0, 0, false, 0),
                "destroyed handle");
    }

    @Test
    void descriptorsMustAgree() {
        long px = NvidiaLibraries.address(x);
        assertStatus(BAD_PARAM, forward(handle, tensor(2, 5, 6, 6, 0, 0), px, conv.y, 0, 0, 0, false, 0),
                "x's channels != w's channels x groups");
        assertStatus(BAD_PARAM, forward(handle, conv.x, px, tensor(2, 6, 5, 6, 0, 0), 0, 0, 0, false, 0),
                "y's height is not the convolution's output height");
        assertStatus(BAD_PARAM, forward(handle, tensor(2, 4, 6, 6, 1, 0), px, conv.y, 0, 0, 0, false, 0),
                "x is DOUBLE, w and y FLOAT");
        assertStatus(NULL_POINTER, forward(handle, conv.x, px, 0, 0, 0, 0, false, 0), "null y descriptor");
    }

    @Test
    void onlyPackedNchwIsComputed() {
        long px = NvidiaLibraries.address(x);
        assertStatus(NOT_SUPPORTED, forward(handle, tensor(2, 4, 6, 6, 0, 1), px, conv.y, 0, 0, 0, false, 0),
                "NHWC x");
        long[] d = new long[1];
        assertEquals(0, NvidiaNative.cudnnCreateDescriptor(0, d));
        descriptors.add(new long[] {0, d[0]});
        assertStatus(0, NvidiaNative.cudnnSetTensorNd(d[0], 0, new int[] {2, 4, 6, 6}, new int[] {160, 36, 6, 1}),
                "strided Nd descriptor");
        assertStatus(NOT_SUPPORTED, forward(handle, d[0], px, conv.y, 0, 0, 0, false, 0), "x not packed");
    }

    @Test
    void settersRejectInvalidValues() {
        long[] d = new long[1];
        assertEquals(0, NvidiaNative.cudnnCreateDescriptor(2, d));
        descriptors.add(new long[] {2, d[0]});
        assertStatus(BAD_PARAM, NvidiaNative.cudnnSetConvolution2d(d[0], -1, 0, 1, 1, 1, 1, 1, 0), "negative pad");
        assertStatus(BAD_PARAM, NvidiaNative.cudnnSetConvolution2d(d[0], 0, 0, 0, 1, 1, 1, 1, 0), "zero stride");
        assertStatus(BAD_PARAM, NvidiaNative.cudnnSetConvolutionGroupCount(d[0], 0), "zero groups");
        assertStatus(BAD_PARAM, NvidiaNative.cudnnSetConvolutionMathType(d[0], 7), "unknown math type");
        long[] t = new long[1];
        assertEquals(0, NvidiaNative.cudnnCreateDescriptor(0, t));
        descriptors.add(new long[] {0, t[0]});
        assertStatus(BAD_PARAM, NvidiaNative.cudnnSetTensor4d(t[0], 0, 0, 0, 3, 4, 4), "zero batch");
        assertStatus(BAD_PARAM, NvidiaNative.cudnnSetTensorNd(t[0], 0, new int[] {2, 3}, new int[] {3, 1}),
                "two dimensions");
    }

    @Test
    void algorithmsAndWorkspace() {
        long px = NvidiaLibraries.address(x);
        int[] returned = new int[1];
        assertStatus(BAD_PARAM, NvidiaNative.cudnnGetAlgorithms(FORWARD, handle, conv.x, conv.w, conv.conv, conv.y, 0,
                returned, new long[96]), "requestedAlgoCount 0");
        assertStatus(NOT_SUPPORTED, forward(handle, conv.x, px, conv.y, 4, 0, 0, false, 0), "FFT (not offered)");
        assertStatus(BAD_PARAM, forward(handle, conv.x, px, conv.y, 12, 0, 0, false, 0), "unknown algorithm");
        long need = cudnn.workspaceSize(Cudnn.Kind.FORWARD, conv, 2);
        assertTrue(need > 0, "GEMM needs a workspace");
        assertStatus(SIZE_INSUFFICIENT, forward(handle, conv.x, px, conv.y, 2, 0, need - 1, false, 0),
                "workspace one byte short");
        assertStatus(NULL_POINTER, forward(handle, conv.x, px, conv.y, 2, 0, need, false, 0), "null workspace");
        try (DeviceBuffer small = device.allocate(need - 4)) {
            assertStatus(EXECUTION_FAILED, forward(handle, conv.x, px, conv.y, 2, NvidiaLibraries.address(small), need,
                    false, 0), "workspace allocation smaller than claimed");
        }
        try (DeviceBuffer ws = device.allocate(need)) {
            assertStatus(0, forward(handle, conv.x, px, conv.y, 2, NvidiaLibraries.address(ws), need, false, 0),
                    "enough workspace");
        }
    }

    @Test
    void scalarsAreHostPointersAndDataIsDeviceMemory() {
        long px = NvidiaLibraries.address(x);
        assertStatus(NULL_POINTER, forward(handle, conv.x, px, conv.y, 0, 0, 0, true, 0), "null alpha");
        assertStatus(BAD_PARAM, forward(handle, conv.x, px, conv.y, 0, 0, 0, true, px), "alpha in device memory");
        assertStatus(NULL_POINTER, forward(0), "null x");
        assertStatus(MISALIGNED, forward(px + 2), "misaligned x");
        assertStatus(EXECUTION_FAILED, forward(px + 4), "x runs past its allocation");
    }

    @Test
    void filterGradientChecksItsOperandsToo() {
        // backward filter (x, dy -> dw) with dw one element short of the filter
        try (DeviceBuffer dw = device.allocate(4L * (6 * 2 * 3 * 3 - 1))) {
            int status = NvidiaNative.cudnnConvolution(FILTER, handle, false, false, 1.0, 0, conv.x,
                    NvidiaLibraries.address(x), conv.y, NvidiaLibraries.address(y), conv.conv, 0, 0, 0, 0.0, 0,
                    conv.w, NvidiaLibraries.address(dw));
            assertStatus(EXECUTION_FAILED, status, "dw one element short");
        }
    }

    @Test
    void fusedBiasActivationChecksBiasAndActivation() {
        long px = NvidiaLibraries.address(x);
        long py = NvidiaLibraries.address(y);
        DeviceBuffer bias = buffer(6);
        long[] act = new long[1];
        assertEquals(0, NvidiaNative.cudnnCreateDescriptor(3, act));
        descriptors.add(new long[] {3, act[0]});
        assertStatus(0, NvidiaNative.cudnnSetActivation(act[0], 5, 1, 0.0), "IDENTITY");
        long need = cudnn.workspaceSize(Cudnn.Kind.FORWARD, conv, 1);
        try (DeviceBuffer ws = device.allocate(Math.max(need, 1))) {
            long pw = NvidiaLibraries.address(ws);
            assertStatus(NOT_SUPPORTED, NvidiaNative.cudnnBiasActivationForward(handle, false, 1.0, conv.x, px, conv.w,
                    NvidiaLibraries.address(w), conv.conv, 0, pw, need, 0.0, conv.y, py, conv.bias(),
                    NvidiaLibraries.address(bias), act[0], conv.y, py), "IDENTITY with IMPLICIT_GEMM");
            assertStatus(BAD_PARAM, NvidiaNative.cudnnBiasActivationForward(handle, false, 1.0, conv.x, px, conv.w,
                    NvidiaLibraries.address(w), conv.conv, 1, pw, need, 0.0, conv.y, py, tensor(1, 6, 2, 1, 0, 0),
                    NvidiaLibraries.address(bias), act[0], conv.y, py), "bias not [1,K,1,1]");
            assertStatus(0, NvidiaNative.cudnnBiasActivationForward(handle, false, 1.0, conv.x, px, conv.w,
                    NvidiaLibraries.address(w), conv.conv, 1, pw, need, 0.0, conv.y, py, conv.bias(),
                    NvidiaLibraries.address(bias), act[0], conv.y, py), "IDENTITY with IMPLICIT_PRECOMP_GEMM");
        }
    }

    private int find(int kind, long h, long p1, long p2, long p3, int requested, int[] returned, long[] perf,
            long ws, long wsBytes) {
        long[] d = conv.operands(Cudnn.Kind.values()[kind]);
        return NvidiaNative.cudnnFindAlgorithms(kind, h, d[0], p1, d[1], p2, conv.conv, d[2], p3, requested, returned,
                perf, ws, wsBytes);
    }

    @Test
    void searchChecksItsArgumentsAndReportsWhatDoesNotFit() {
        long px = NvidiaLibraries.address(x);
        long pw = NvidiaLibraries.address(w);
        long py = NvidiaLibraries.address(y);
        int[] returned = new int[1];
        long[] perf = new long[96];
        assertStatus(NULL_POINTER, find(FORWARD, 0, px, pw, py, 8, returned, perf, 0, 0), "null handle");
        assertStatus(BAD_PARAM, find(FORWARD, handle, px, pw, py, 0, returned, perf, 0, 0), "requestedAlgoCount 0");
        assertStatus(NULL_POINTER, find(FORWARD, handle, 0, pw, py, 8, returned, perf, 0, 0), "null x");
        assertStatus(EXECUTION_FAILED, find(FORWARD, handle, px, pw, py + 4, 8, returned, perf, 0, 0),
                "y runs past its allocation");
        assertStatus(NULL_POINTER, find(FORWARD, handle, px, pw, py, 8, returned, perf, 0, 64),
                "null workspace with a size");
        try (DeviceBuffer small = device.allocate(64)) {
            assertStatus(EXECUTION_FAILED, find(FORWARD, handle, px, pw, py, 8, returned, perf,
                    NvidiaLibraries.address(small), 65), "workspace larger than its allocation");
        }
        // no workspace: GEMM and IMPLICIT_PRECOMP_GEMM (which need one) are reported with a failure status, after
        // IMPLICIT_GEMM, the one that ran
        assertStatus(0, find(FORWARD, handle, px, pw, py, 8, returned, perf, 0, 0), "search without workspace");
        assertEquals(8, returned[0]);
        long gemmNeeds = cudnn.workspaceSize(Cudnn.Kind.FORWARD, conv, 2);
        boolean failuresLast = true;
        boolean seenFailure = false;
        int gemmStatus = -1;
        for (int i = 0; i < returned[0]; i++) {
            int algo = (int) perf[6 * i];
            int status = (int) perf[6 * i + 1];
            failuresLast &= !(seenFailure && status == 0);
            seenFailure |= status != 0;
            if (algo == 2) {
                gemmStatus = status;
                assertEquals(gemmNeeds, perf[6 * i + 3], "GEMM reports the workspace it would need");
            }
        }
        assertTrue(failuresLast, "the algorithms that ran come first");
        assertEquals(SIZE_INSUFFICIENT, gemmStatus, "GEMM does not fit in no workspace");
        assertEquals(0, perf[0], "without a workspace only IMPLICIT_GEMM runs");
        assertEquals(0, perf[1], "and succeeds");
        try (DeviceBuffer ws = device.allocate(gemmNeeds)) {
            assertStatus(0, find(FORWARD, handle, px, pw, py, 2, returned, perf, NvidiaLibraries.address(ws),
                    gemmNeeds), "search with GEMM's workspace");
            assertEquals(2, returned[0], "no more than requested");
            assertEquals(2, perf[0], "GEMM is the fastest when it fits");
            assertTrue(Float.intBitsToFloat((int) perf[2]) < Float.intBitsToFloat((int) perf[8]), "sorted by time");
        }
    }

    @Test
    void fusedReluTakesAnyForwardAlgorithm() {
        long px = NvidiaLibraries.address(x);
        long py = NvidiaLibraries.address(y);
        DeviceBuffer bias = buffer(6);
        // CUDNN_ACTIVATION_IDENTITY is the mode restricted to IMPLICIT_PRECOMP_GEMM; RELU runs with IMPLICIT_GEMM
        assertStatus(0, NvidiaNative.cudnnBiasActivationForward(handle, false, 1.0, conv.x, px, conv.w,
                NvidiaLibraries.address(w), conv.conv, 0, 0, 0, 0.0, conv.y, py, conv.bias(),
                NvidiaLibraries.address(bias), conv.relu(), conv.y, py), "RELU with IMPLICIT_GEMM");
    }

    @Test
    void javaCallsReportTheStatusAndTheLastError() {
        try (Cudnn.Convolution c = cudnn.convolution(false, 1, 3, 5, 5, 2, 3, 3, 0, 0, 1, 1, 1, 1, 1,
                Cudnn.MATH_FMA)) {
            NvidiaLibraryException e = org.junit.jupiter.api.Assertions.assertThrows(NvidiaLibraryException.class,
                    () -> cudnn.run(Cudnn.Kind.FORWARD, c, 2, x, w, y, null, 0, 1.0, 0.0));
            assertEquals(SIZE_INSUFFICIENT, e.status());
            assertTrue(e.getMessage().contains("CUDNN_STATUS_BAD_PARAM_SIZE_INSUFFICIENT")
                    && e.getMessage().contains("workspace"), e.getMessage());
        }
    }
}
