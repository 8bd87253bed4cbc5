package org.rcnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Each check of the emulator's stand-in cuBLAS (cuda/emu/standins/cublas.cpp) fails a call that breaks it, with
 * the status cuBLAS documents and a message naming the problem; the same call with the argument fixed succeeds.
 */
class CublasStandInMisuseTest {
    private static final int NOT_INITIALIZED = 1;
    private static final int INVALID_VALUE = 7;
    private static final int EXECUTION_FAILED = 13;
    private static final int NOT_SUPPORTED = 15;

    private CudaDevice device;
    private Cublas cublas;
    private long handle;
    private DeviceBuffer a;
    private DeviceBuffer b;
    private DeviceBuffer c;

    @BeforeEach
    void setUp() {
        device = TestDevice.emulatorWithTestKernels();
        cublas = Cublas.open(device);
        assertTrue(cublas.isStandIn(), "the emulator must load rcnn4j's stand-in cuBLAS");
        handle = cublas.acquire(false);
        a = device.allocate(4L * 6);   // 2 x 3 (column-major, lda 2)
        b = device.allocate(4L * 12);  // 3 x 4 (ldb 3)
        c = device.allocate(4L * 8);   // 2 x 4 (ldc 2)
        device.copyHostToDevice(a, new float[] {1, 2, 3, 4, 5, 6});
        device.copyHostToDevice(b, new float[] {1, 0, 2, -1, 1, 0, 3, 2, 1, 0, 0, 1});
    }

    @AfterEach
    void tearDown() {
        if (cublas != null) {
            cublas.release(handle);
        }
        for (DeviceBuffer buf : new DeviceBuffer[] {a, b, c}) {
            if (buf != null) {
                buf.close();
            }
        }
    }

    /** A 2x3 by 3x4 FP32 GEMM with one argument replaced. */
    private int gemm(long h, int opA, int m, int lda, int aType, int compute, int algo, long aPtr, long cPtr,
            boolean raw, long alphaPtr) {
        return NvidiaNative.cublasGemmEx(h, opA, Cublas.OP_N, m, 4, 3, raw, 1.0, alphaPtr, aPtr, aType, lda,
                NvidiaLibraries.address(b), Cublas.CUDA_R_32F, 3, 0.0, alphaPtr, cPtr, Cublas.CUDA_R_32F, 2,
                compute, algo);
    }

    private int good(long h) {
        return gemm(h, Cublas.OP_N, 2, 2, Cublas.CUDA_R_32F, Cublas.COMPUTE_32F, Cublas.GEMM_DEFAULT,
                NvidiaLibraries.address(a), NvidiaLibraries.address(c), false, 0);
    }

    private static void assertStatus(int expected, int actual, String check) {
        assertEquals(expected, actual, check + ": " + NvidiaNative.cublasDescribe(actual));
        if (expected != 0) {
            String detail = NvidiaNative.cublasDescribe(actual);
            assertTrue(detail != null && detail.contains("cublas"), check + ": the detail names the call: " + detail);
        }
    }

    @Test
    void theUnbrokenCallSucceedsAndComputes() {
        assertStatus(0, good(handle), "control");
        float[] out = new float[8];
        device.copyDeviceToHost(out, c);
        // C = A B with A = [[1,3,5],[2,4,6]], B columns (1,0,2), (-1,1,0), (3,2,1), (0,0,1)
        assertEquals(11, out[0]);
        assertEquals(14, out[1]);
        assertEquals(2, out[2]);
        assertEquals(2, out[3]);
        assertEquals(14, out[4]);
        assertEquals(20, out[5]);
        assertEquals(5, out[6]);
        assertEquals(6, out[7]);
    }

    @Test
    void handleMustBeLive() {
        assertStatus(NOT_INITIALIZED, good(0), "null handle");
        long[] h = new long[1];
        assertStatus(0, NvidiaNative.cublasCreate(h), "create");
        assertStatus(0, NvidiaNative.cublasDestroy(h[0]), "destroy");
        assertStatus(NOT_INITIALIZED, NvidiaNative.cublasSetStream(h[0], NvidiaLibraries.stream(device)),
                "destroyed handle");
    }

    @Test
    void streamMustBeSetAndLive() {
        long[] h = new long[1];
        assertStatus(0, NvidiaNative.cublasCreate(h), "create");
        try {
            assertStatus(EXECUTION_FAILED, good(h[0]), "no stream set");
            CUstream s = new CUstream();
            assertEquals(0, JCudaDriver.cuStreamCreate(s, 0));
            assertStatus(0, NvidiaNative.cublasSetStream(h[0], NvidiaNative.address(s)), "set stream");
            assertStatus(0, good(h[0]), "live stream");
            assertEquals(0, JCudaDriver.cuStreamDestroy(s));
            assertStatus(EXECUTION_FAILED, good(h[0]), "destroyed stream");
        } finally {
            NvidiaNative.cublasDestroy(h[0]);
        }
    }

    @Test
    void operationsSizesAndLeadingDimensions() {
        long pa = NvidiaLibraries.address(a);
        long pc = NvidiaLibraries.address(c);
        assertStatus(INVALID_VALUE, gemm(handle, 5, 2, 2, 0, Cublas.COMPUTE_32F, -1, pa, pc, false, 0), "bad op");
        assertStatus(INVALID_VALUE, gemm(handle, 0, -1, 2, 0, Cublas.COMPUTE_32F, -1, pa, pc, false, 0),
                "negative m");
        assertStatus(INVALID_VALUE, gemm(handle, 0, 2, 1, 0, Cublas.COMPUTE_32F, -1, pa, pc, false, 0),
                "lda < m");
        assertStatus(INVALID_VALUE, gemm(handle, 0, 2, 2, 0, Cublas.COMPUTE_32F, 57, pa, pc, false, 0),
                "unknown algorithm");
        assertStatus(0, gemm(handle, 0, 0, 2, 0, Cublas.COMPUTE_32F, -1, 0, 0, false, 0), "m = 0 is a no-op");
    }

    @Test
    void typesMustBeASupportedCombination() {
        assertStatus(NOT_SUPPORTED, gemm(handle, 0, 2, 2, Cublas.CUDA_R_64F, Cublas.COMPUTE_32F, -1,
                NvidiaLibraries.address(a), NvidiaLibraries.address(c), false, 0), "FP64 A with FP32 B and C");
        assertStatus(NOT_SUPPORTED, gemm(handle, 0, 2, 2, Cublas.CUDA_R_32F, Cublas.COMPUTE_64F, -1,
                NvidiaLibraries.address(a), NvidiaLibraries.address(c), false, 0), "FP32 with compute 64F");
    }

    @Test
    void scalarsAreHostPointers() {
        long pa = NvidiaLibraries.address(a);
        long pc = NvidiaLibraries.address(c);
        assertStatus(INVALID_VALUE, gemm(handle, 0, 2, 2, 0, Cublas.COMPUTE_32F, -1, pa, pc, true, 0),
                "null alpha and beta");
        assertStatus(INVALID_VALUE, gemm(handle, 0, 2, 2, 0, Cublas.COMPUTE_32F, -1, pa, pc, true, pa),
                "alpha and beta in device memory");
    }

    @Test
    void operandsMustBeAlignedAndInsideTheirAllocation() {
        long pc = NvidiaLibraries.address(c);
        assertStatus(NOT_SUPPORTED, gemm(handle, 0, 2, 2, 0, Cublas.COMPUTE_32F, -1, NvidiaLibraries.address(a) + 2,
                pc, false, 0), "misaligned A");
        assertStatus(EXECUTION_FAILED, gemm(handle, 0, 2, 2, 0, Cublas.COMPUTE_32F, -1,
                NvidiaLibraries.address(a) + 4, pc, false, 0), "A runs past its allocation");
        try (DeviceBuffer small = device.allocate(4L * 7)) {
            assertStatus(EXECUTION_FAILED, gemm(handle, 0, 2, 2, 0, Cublas.COMPUTE_32F, -1,
                    NvidiaLibraries.address(a), NvidiaLibraries.address(small), false, 0), "C one element short");
        }
    }

    @Test
    void handleSettingsAreChecked() {
        assertStatus(INVALID_VALUE, NvidiaNative.cublasSetMathMode(handle, 9), "unknown math mode");
        assertStatus(INVALID_VALUE, NvidiaNative.cublasSetPointerMode(handle, 4), "unknown pointer mode");
        try (DeviceBuffer ws = device.allocate(1024)) {
            assertStatus(INVALID_VALUE, NvidiaNative.cublasSetWorkspace(handle, NvidiaLibraries.address(ws) + 128,
                    512), "workspace not 256-byte aligned");
            assertStatus(INVALID_VALUE, NvidiaNative.cublasSetWorkspace(handle, NvidiaLibraries.address(ws), 300),
                    "workspace size not a multiple of 256");
            assertStatus(0, NvidiaNative.cublasSetWorkspace(handle, NvidiaLibraries.address(ws), 1024), "workspace");
        }
    }

    @Test
    void javaCallsReportTheStatus() {
        NvidiaLibraryException e = org.junit.jupiter.api.Assertions.assertThrows(NvidiaLibraryException.class,
                (Executable) () -> cublas.gemm(false, false, false, 2, 4, 3, 1.0, a, 1, b, 3, 0.0, c, 2, false));
        assertEquals(INVALID_VALUE, e.status());
        assertTrue(e.getMessage().contains("CUBLAS_STATUS_INVALID_VALUE") && e.getMessage().contains("lda=1"),
                e.getMessage());
    }
}
