package org.rcnn4j.cuda.emu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rcnn4j.cuda.emu.EmuHarness.alloc;
import static org.rcnn4j.cuda.emu.EmuHarness.describe;
import static org.rcnn4j.cuda.emu.EmuHarness.free;
import static org.rcnn4j.cuda.emu.EmuHarness.launch;
import static org.rcnn4j.cuda.emu.EmuHarness.ok;
import static org.rcnn4j.cuda.emu.EmuHarness.rc;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import jcuda.Pointer;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rcnn4j.cuda.EmulatorLibrary;

/** The emulated driver answers like a real one: device facts, launch limits, error codes and messages. */
class EmulatorDriverTest {

    @BeforeEach
    void setUp() {
        EmuHarness.init();
    }

    @Test
    void emulatorIsLoadedAndDescribesAnSm90Device() {
        assertTrue(EmulatorLibrary.isLoaded());
        int[] count = {0};
        ok(rc(() -> JCudaDriver.cuDeviceGetCount(count)), "cuDeviceGetCount");
        assertEquals(1, count[0]);
        CUdevice dev = new CUdevice();
        ok(rc(() -> JCudaDriver.cuDeviceGet(dev, 0)), "cuDeviceGet");
        byte[] name = new byte[64];
        ok(rc(() -> JCudaDriver.cuDeviceGetName(name, name.length, dev)), "cuDeviceGetName");
        assertEquals("rcnn4j CUDA emulator", new String(name, StandardCharsets.US_ASCII).trim().replace("\0", ""));
        assertEquals(9, attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev));
        assertEquals(0, attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev));
        assertEquals(32, attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_WARP_SIZE, dev));
        assertEquals(1024, attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK, dev));
        assertEquals(48 * 1024, attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK, dev));
        assertEquals(227 * 1024, attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, dev));
        assertEquals(132, attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, dev));
        int[] version = {0};
        ok(rc(() -> JCudaDriver.cuDriverGetVersion(version)), "cuDriverGetVersion");
        assertEquals(13000, version[0]);
    }

    private static int attribute(int attribute, CUdevice dev) {
        int[] v = {-1};
        ok(rc(() -> JCudaDriver.cuDeviceGetAttribute(v, attribute, dev)), "cuDeviceGetAttribute " + attribute);
        return v[0];
    }

    @Test
    void launchesOutsideTheDeviceLimitsFailWithInvalidValue() {
        // A module of its own, so no other test's cuFuncSetAttribute applies.
        CUmodule m = new CUmodule();
        ok(rc(() -> JCudaDriver.cuModuleLoadData(m, EmuHarness.moduleImage())), "cuModuleLoadData");
        CUfunction f = new CUfunction();
        ok(rc(() -> JCudaDriver.cuModuleGetFunction(f, m, "rcnn4j_emutest_block_sum_dynamic")), "getFunction");
        CUdeviceptr x = alloc(4096 * 4L);
        CUdeviceptr out = alloc(64 * 4L);
        Pointer[] args = {Pointer.to(x), Pointer.to(new int[] {4096}), Pointer.to(out)};

        expectInvalid(launch(f, 1, 1, 1, 1025, 1, 1, 0, args), "1025 threads");
        expectInvalid(launch(f, 1, 1, 1, 32, 32, 2, 0, args), "2048 threads");
        expectInvalid(launch(f, 1, 1, 1, 1, 1, 65, 0, args), "block z 65");
        expectInvalid(launch(f, 0, 1, 1, 32, 1, 1, 0, args), "grid x 0");
        expectInvalid(launch(f, 1, 65536, 1, 32, 1, 1, 0, args), "grid y 65536");
        int r = launch(f, 1, 1, 1, 256, 1, 1, 64 * 1024, args);
        expectInvalid(r, "64 KiB dynamic shared memory without opt-in");
        assertTrue(describe(r).contains("CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES"), describe(r));
        int over = rc(() -> JCudaDriver.cuFuncSetAttribute(f,
                CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, 228 * 1024));
        expectInvalid(over, "opt-in beyond 227 KiB");
        ok(launch(f, 1, 1, 1, 256, 1, 1, 1024, args), "a valid launch after the failures");
        free(x, out);
        ok(rc(() -> JCudaDriver.cuModuleUnload(m)), "cuModuleUnload");
        int gone = launch(f, 1, 1, 1, 256, 1, 1, 1024, args);
        assertEquals(CUresult.CUDA_ERROR_INVALID_HANDLE, gone, "a function of an unloaded module");
    }

    private static void expectInvalid(int r, String what) {
        assertEquals(CUresult.CUDA_ERROR_INVALID_VALUE, r, () -> what + ": " + describe(r));
    }

    @Test
    void unknownKernelNameIsNotFound() {
        CUfunction f = new CUfunction();
        int r = EmuHarness.getFunction(f, "rcnn4j_no_such_kernel");
        assertEquals(CUresult.CUDA_ERROR_NOT_FOUND, r);
        assertTrue(describe(r).contains("rcnn4j_no_such_kernel"), describe(r));
    }

    @Test
    void unknownFunctionHandleIsInvalidHandle() {
        int r = launch(new CUfunction(), 1, 1, 1, 1, 1, 1, 0);
        assertEquals(CUresult.CUDA_ERROR_INVALID_HANDLE, r);
    }

    @Test
    void unsupportedDriverCallReturnsNotSupported() {
        CUdeviceptr p = new CUdeviceptr();
        int r = rc(() -> JCudaDriver.cuMemAllocManaged(p, 1024, 1));
        assertEquals(CUresult.CUDA_ERROR_NOT_SUPPORTED, r);
        assertTrue(describe(r).contains("cuMemAllocManaged is not supported by the emulator"), describe(r));
    }

    @Test
    void imagesThatAreNotFatbinCubinOrPtxAreRejected() {
        CUmodule m = new CUmodule();
        int r = rc(() -> JCudaDriver.cuModuleLoadData(m, "not a module\0".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(CUresult.CUDA_ERROR_INVALID_IMAGE, r);
        byte[] ptx = ".version 8.0\n.target sm_90\n.address_size 64\n\0".getBytes(StandardCharsets.US_ASCII);
        ok(rc(() -> JCudaDriver.cuModuleLoadData(m, ptx)), "PTX text");
        ok(rc(() -> JCudaDriver.cuModuleUnload(m)), "cuModuleUnload");
    }

    @Test
    void copiesOutsideAnAllocationAreRejected() {
        CUdeviceptr p = alloc(100);
        byte[] host = new byte[101];
        int r = rc(() -> JCudaDriver.cuMemcpyHtoD(p, Pointer.to(host), 101));
        assertEquals(CUresult.CUDA_ERROR_INVALID_VALUE, r);
        assertTrue(describe(r).contains("runs past the end"), describe(r));
        ok(rc(() -> JCudaDriver.cuMemcpyHtoD(p, Pointer.to(host), 100)), "an exact-size copy");
        ok(rc(() -> JCudaDriver.cuMemsetD8(p, (byte) 7, 100)), "cuMemsetD8");
        ok(rc(() -> JCudaDriver.cuMemcpyDtoH(Pointer.to(host), p, 100)), "cuMemcpyDtoH");
        assertEquals(7, host[99]);
        free(p);
    }

    @Test
    void threadWithoutCurrentContextGetsInvalidContext() throws InterruptedException {
        AtomicInteger result = new AtomicInteger(-1);
        Thread t = new Thread(() -> result.set(rc(() -> JCudaDriver.cuMemAlloc(new CUdeviceptr(), 16))));
        t.start();
        t.join();
        assertEquals(CUresult.CUDA_ERROR_INVALID_CONTEXT, result.get());
    }

    @Test
    void streamsAndEventsWork() {
        CUstream s = new CUstream();
        ok(rc(() -> JCudaDriver.cuStreamCreate(s, 0)), "cuStreamCreate");
        CUevent a = new CUevent();
        CUevent b = new CUevent();
        ok(rc(() -> JCudaDriver.cuEventCreate(a, 0)), "cuEventCreate");
        ok(rc(() -> JCudaDriver.cuEventCreate(b, 0)), "cuEventCreate");
        float[] ms = {-1};
        assertEquals(CUresult.CUDA_ERROR_INVALID_HANDLE, rc(() -> JCudaDriver.cuEventElapsedTime(ms, a, b)),
                "elapsed time of unrecorded events");
        ok(rc(() -> JCudaDriver.cuEventRecord(a, s)), "cuEventRecord");
        ok(rc(() -> JCudaDriver.cuStreamSynchronize(s)), "cuStreamSynchronize");
        ok(rc(() -> JCudaDriver.cuEventRecord(b, s)), "cuEventRecord");
        ok(rc(() -> JCudaDriver.cuEventSynchronize(b)), "cuEventSynchronize");
        ok(rc(() -> JCudaDriver.cuEventElapsedTime(ms, a, b)), "cuEventElapsedTime");
        assertTrue(ms[0] >= 0, "elapsed " + ms[0]);
        ok(rc(() -> JCudaDriver.cuStreamQuery(s)), "cuStreamQuery");
        ok(rc(() -> JCudaDriver.cuEventDestroy(a)), "cuEventDestroy");
        ok(rc(() -> JCudaDriver.cuEventDestroy(b)), "cuEventDestroy");
        ok(rc(() -> JCudaDriver.cuStreamDestroy(s)), "cuStreamDestroy");
        ok(rc(() -> JCudaDriver.cuCtxSynchronize()), "cuCtxSynchronize");
    }
    @Test
    void pitchedTwoDimensionalCopiesMoveTheRightRows() {
        // A 3x5 window of a 6x8 host matrix of ints, to a device matrix with a pitch of 16 ints, and back.
        int[] host = new int[6 * 8];
        for (int i = 0; i < host.length; i++) {
            host[i] = i * 7 + 1;
        }
        CUdeviceptr dev = alloc(4L * 16 * 3);
        jcuda.driver.CUDA_MEMCPY2D up = new jcuda.driver.CUDA_MEMCPY2D();
        up.srcMemoryType = jcuda.driver.CUmemorytype.CU_MEMORYTYPE_HOST;
        up.srcHost = Pointer.to(host);
        up.srcXInBytes = 2 * 4;
        up.srcY = 1;
        up.srcPitch = 8 * 4;
        up.dstMemoryType = jcuda.driver.CUmemorytype.CU_MEMORYTYPE_DEVICE;
        up.dstDevice = dev;
        up.dstPitch = 16 * 4;
        up.WidthInBytes = 5 * 4;
        up.Height = 3;
        ok(rc(() -> JCudaDriver.cuMemcpy2D(up)), "cuMemcpy2D to the device");
        int[] back = new int[3 * 5];
        jcuda.driver.CUDA_MEMCPY2D down = new jcuda.driver.CUDA_MEMCPY2D();
        down.srcMemoryType = jcuda.driver.CUmemorytype.CU_MEMORYTYPE_DEVICE;
        down.srcDevice = dev;
        down.srcPitch = 16 * 4;
        down.dstMemoryType = jcuda.driver.CUmemorytype.CU_MEMORYTYPE_HOST;
        down.dstHost = Pointer.to(back);
        down.dstPitch = 5 * 4;
        down.WidthInBytes = 5 * 4;
        down.Height = 3;
        ok(rc(() -> JCudaDriver.cuMemcpy2D(down)), "cuMemcpy2D to the host");
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 5; c++) {
                assertEquals(host[(r + 1) * 8 + c + 2], back[r * 5 + c], "row " + r + " column " + c);
            }
        }
        up.Height = 4;  // 4 rows of pitch 16 do not fit in 3 rows
        int r = rc(() -> JCudaDriver.cuMemcpy2D(up));
        assertEquals(CUresult.CUDA_ERROR_INVALID_VALUE, r, () -> describe(r));
        free(dev);
    }
}
