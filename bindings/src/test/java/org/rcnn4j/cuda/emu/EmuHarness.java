package org.rcnn4j.cuda.emu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Random;
import java.util.function.IntSupplier;

import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

import org.junit.jupiter.api.Assumptions;
import org.rcnn4j.cuda.EmulatorLibrary;

/**
 * The raw JCuda driver path onto the emulator, for the emulator's own tests: load the stand-in libcuda.so.1, make
 * the primary context current, load a module (rcnn4j's real fatbin when the build made one, else an image with the
 * fatbin magic: the emulator binds kernels by name either way), and call kernels with plain cuLaunchKernel.
 */
final class EmuHarness {

    private static CUcontext context;
    private static CUmodule module;

    private EmuHarness() {
    }

    /** Loads the emulator, initializes the driver and makes the primary context current on this thread. */
    static synchronized void init() {
        Assumptions.assumeTrue(EmulatorLibrary.isLoaded() || System.getProperty(EmulatorLibrary.PATH_PROPERTY) != null
                        || EmuHarness.class.getResource(EmulatorLibrary.RESOURCE) != null,
                "the CUDA emulator was not built (" + EmulatorLibrary.RESOURCE + " is not on the classpath; "
                        + "-Drcnn4j.skipNative=true skips CMake): the emulator tests need it");
        EmulatorLibrary.load();
        if (context == null) {
            assertEquals(CUresult.CUDA_SUCCESS, rc(() -> JCudaDriver.cuInit(0)), "cuInit");
            CUdevice device = new CUdevice();
            assertEquals(CUresult.CUDA_SUCCESS, rc(() -> JCudaDriver.cuDeviceGet(device, 0)), "cuDeviceGet");
            CUcontext ctx = new CUcontext();
            assertEquals(CUresult.CUDA_SUCCESS, rc(() -> JCudaDriver.cuDevicePrimaryCtxRetain(ctx, device)),
                    "cuDevicePrimaryCtxRetain");
            context = ctx;
        }
        assertEquals(CUresult.CUDA_SUCCESS, rc(() -> JCudaDriver.cuCtxSetCurrent(context)), "cuCtxSetCurrent");
        if (module == null) {
            CUmodule m = new CUmodule();
            byte[] image = moduleImage();
            assertEquals(CUresult.CUDA_SUCCESS, rc(() -> JCudaDriver.cuModuleLoadData(m, image)), "cuModuleLoadData");
            module = m;
        }
    }

    static CUcontext context() {
        return context;
    }

    /** rcnn4j's fatbin from the classpath when the build produced one; else a minimal image with the fatbin magic. */
    static byte[] moduleImage() {
        try (InputStream in = EmuHarness.class.getResourceAsStream("/org/rcnn4j/native/rcnn4j.fatbin")) {
            if (in != null) {
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read rcnn4j.fatbin", e);
        }
        return new byte[] {0x50, (byte) 0xED, 0x55, (byte) 0xBA, 1, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    }

    static CUfunction function(String name) {
        CUfunction f = new CUfunction();
        int r = rc(() -> JCudaDriver.cuModuleGetFunction(f, module, name));
        assertEquals(CUresult.CUDA_SUCCESS, r, () -> "cuModuleGetFunction(" + name + "): " + describe(r));
        return f;
    }

    static int getFunction(CUfunction out, String name) {
        return rc(() -> JCudaDriver.cuModuleGetFunction(out, module, name));
    }

    /**
     * A driver call's CUresult, whether or not JCuda's exceptions are enabled (tests in the same JVM may have
     * enabled them; the flag is global).
     */
    static int rc(IntSupplier call) {
        try {
            return call.getAsInt();
        } catch (CudaException e) {
            return codeOf(e.getMessage());
        }
    }

    private static int codeOf(String message) {
        for (Field f : CUresult.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class && message != null
                    && message.startsWith(f.getName())) {
                try {
                    return f.getInt(null);
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        throw new AssertionError("unrecognized CudaException: " + message);
    }

    /** The name and the emulator's detailed message for an error the calling thread just got. */
    static String describe(int code) {
        String[] s = new String[1];
        rc(() -> JCudaDriver.cuGetErrorString(code, s));
        return CUresult.stringFor(code) + ": " + s[0];
    }

    static void ok(int code, String what) {
        assertEquals(CUresult.CUDA_SUCCESS, code, () -> what + " failed: " + describe(code));
    }

    /** n floats uniform in [-1, 1) from random (the tests print random's seed on failure). */
    static float[] randomFloats(Random random, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = random.nextFloat() * 2 - 1;
        }
        return a;
    }

    static CUdeviceptr upload(float[] data) {
        CUdeviceptr p = alloc((long) data.length * Sizeof.FLOAT);
        ok(rc(() -> JCudaDriver.cuMemcpyHtoD(p, Pointer.to(data), (long) data.length * Sizeof.FLOAT)), "cuMemcpyHtoD");
        return p;
    }

    static CUdeviceptr upload(int[] data) {
        CUdeviceptr p = alloc((long) data.length * Sizeof.INT);
        ok(rc(() -> JCudaDriver.cuMemcpyHtoD(p, Pointer.to(data), (long) data.length * Sizeof.INT)), "cuMemcpyHtoD");
        return p;
    }

    static CUdeviceptr alloc(long bytes) {
        CUdeviceptr p = new CUdeviceptr();
        ok(rc(() -> JCudaDriver.cuMemAlloc(p, bytes)), "cuMemAlloc");
        return p;
    }

    static float[] downloadFloats(CUdeviceptr p, int n) {
        float[] out = new float[n];
        ok(rc(() -> JCudaDriver.cuMemcpyDtoH(Pointer.to(out), p, (long) n * Sizeof.FLOAT)), "cuMemcpyDtoH");
        return out;
    }

    static int[] downloadInts(CUdeviceptr p, int n) {
        int[] out = new int[n];
        ok(rc(() -> JCudaDriver.cuMemcpyDtoH(Pointer.to(out), p, (long) n * Sizeof.INT)), "cuMemcpyDtoH");
        return out;
    }

    static double[] downloadDoubles(CUdeviceptr p, int n) {
        double[] out = new double[n];
        ok(rc(() -> JCudaDriver.cuMemcpyDtoH(Pointer.to(out), p, (long) n * Sizeof.DOUBLE)), "cuMemcpyDtoH");
        return out;
    }

    static void free(CUdeviceptr... ps) {
        for (CUdeviceptr p : ps) {
            rc(() -> JCudaDriver.cuMemFree(p));
        }
    }

    /** cuLaunchKernel with kernelParams built from the arguments (each a Pointer to its value). */
    static int launch(CUfunction f, int gx, int gy, int gz, int bx, int by, int bz, int sharedBytes, Pointer... args) {
        Pointer params = Pointer.to(args);
        return rc(() -> JCudaDriver.cuLaunchKernel(f, gx, gy, gz, bx, by, bz, sharedBytes, null, params, null));
    }

    static int launch1d(CUfunction f, int blocks, int threads, Pointer... args) {
        return launch(f, blocks, 1, 1, threads, 1, 1, 0, args);
    }
}
