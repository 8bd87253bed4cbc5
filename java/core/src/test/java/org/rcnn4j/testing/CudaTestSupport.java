package org.rcnn4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;
import org.rcnn4j.backend.cuda.CudaBackend;
import org.rcnn4j.backend.cuda.CudaLibraryOptions;
import org.rcnn4j.backend.cuda.Transfers;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.CudaUnavailableException;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.DriverProbe;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * The CUDA backend every CUDA test uses, chosen by system property {@code rcnn4j.test.cuda}:
 * <ul>
 *   <li>{@code gpu}: a real device; the test fails when there is none;</li>
 *   <li>{@code emu}: the CPU emulator; the test fails when this build lacks it;</li>
 *   <li>{@code auto} (default): a real GPU where a driver and a device exist, else the emulator; where neither is
 *       available (native build skipped) the test is skipped and says why.</li>
 * </ul>
 * It prints once which one runs. Plus helpers to poison outputs and to check for leaked device memory.
 */
public final class CudaTestSupport {
    public static final String PROPERTY = "rcnn4j.test.cuda";

    private static CudaBackend backend;
    private static String unavailable;
    /** The shared backend's leaked tensors already reported ({@link #failOnNewLeaks}). */
    private static long leaksReported;

    private CudaTestSupport() {
    }

    /**
     * The shared backend (skips the calling test in auto mode when no CUDA of either kind is available). Fails the
     * calling test when the garbage collector found a tensor of it unclosed since the last call
     * ({@link #failOnNewLeaks}).
     */
    public static synchronized CudaBackend backend() {
        if (backend == null && unavailable == null) {
            String mode = System.getProperty(PROPERTY, "auto").trim();
            boolean emulated = switch (mode) {
                case "gpu" -> false;
                case "emu" -> true;
                case "auto", "" -> !(DriverProbe.driverPresent() && DriverProbe.gpuVisible());
                default -> throw new IllegalArgumentException(PROPERTY + ": expected gpu, emu or auto, got '" + mode
                        + "'");
            };
            try {
                // TF32 off: the tests compare FP32 with the CPU backend at 2e-5, and TF32 keeps 10 mantissa bits
                backend = CudaBackend.open(emulated, CudaLibraryOptions.fromSystemProperties().withCudnnTf32(false)
                        .withCublasTf32(false));
                CudaDevice d = backend.device();
                System.out.println("CUDA tests run on: " + (emulated ? "the CPU emulator" : d.name()
                        + " (compute capability " + d.computeCapabilityMajor() + "." + d.computeCapabilityMinor()
                        + ", " + d.multiprocessorCount() + " SMs)") + "; " + backend.libraries());
            } catch (CudaUnavailableException e) {
                if (!mode.equals("auto") && !mode.isEmpty()) {
                    fail(PROPERTY + "=" + mode + " but CUDA is unavailable: " + e.getMessage(), e);
                }
                unavailable = e.getMessage();
                System.out.println("CUDA tests skipped: " + unavailable);
            }
        }
        Assumptions.assumeTrue(backend != null, () -> "CUDA test skipped: no GPU and no CUDA emulator in this build ("
                + unavailable + ")");
        failOnNewLeaks();
        return backend;
    }

    /**
     * Fails (once per leak) when the safety net freed tensors of the shared backend since the last look: a leak
     * fails a test instead of only logging a warning. The collection that finds a leak may come after the test that
     * made it, so the failing test may be a later one; the message says how to find the allocation site.
     */
    private static void failOnNewLeaks() {
        long leaked = backend.device().leakedBuffers();
        if (leaked != leaksReported) {
            long fresh = leaked - leaksReported;
            leaksReported = leaked;
            fail(fresh + " device tensor(s) of the shared CUDA test backend were garbage-collected without close() "
                    + "since the last call of CudaTestSupport.backend(), made by this test or an earlier one: run "
                    + "with -Drcnn4j.debug.leaks=true, and the safety net's warnings name where each was allocated");
        }
    }

    public static CudaDevice device() {
        return backend().device();
    }

    /**
     * Sets every byte of a device tensor to 0xFF: NaN for F32/F64, -1 for I32/I64, 255 for U8, so elements a
     * kernel forgot to write show.
     */
    public static Tensor poison(Tensor deviceTensor) {
        device().fillBytes(deviceTensor.deviceBuffer(), (byte) 0xFF);
        return deviceTensor;
    }

    /** Sets every 32-bit word of a buffer to {@code bits} (e.g. a NaN payload or a sentinel). */
    public static DeviceBuffer poison(DeviceBuffer buffer, int bits) {
        device().fillInts(buffer, bits);
        return buffer;
    }

    /** A fresh device tensor of {@code shape}, poisoned (see {@link #poison(Tensor)}). */
    public static Tensor poisoned(DType dtype, int... shape) {
        return poison(Transfers.empty(device(), dtype, shape));
    }

    /**
     * Runs {@code work} and checks that it leaves no device buffer open: the test backend's open buffers and their
     * bytes return to their values before it. Buffers the leak safety net collects meanwhile move from open to
     * leaked, so open plus leaked is compared: an earlier test's leak collected during {@code work} changes nothing,
     * and a leak of {@code work}'s shows whether or not a collection found it yet.
     */
    public static void assertNoLeak(String what, Runnable work) {
        CudaDevice d = device();
        long bytes = d.openBytes() + d.leakedBytes();
        long live = d.openBuffers() + d.leakedBuffers();
        work.run();
        d.synchronize();
        if (live != d.openBuffers() + d.leakedBuffers()) {
            synchronized (CudaTestSupport.class) {
                leaksReported = d.leakedBuffers(); // reported here, not again by the next backend()
            }
        }
        assertEquals(live, d.openBuffers() + d.leakedBuffers(), what + ": device buffers left open");
        assertEquals(bytes, d.openBytes() + d.leakedBytes(), what + ": device bytes left in use");
    }
}
