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
