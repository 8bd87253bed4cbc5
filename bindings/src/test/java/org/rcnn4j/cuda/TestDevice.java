package org.rcnn4j.cuda;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * The device the bindings' tests run on, chosen like the java module's CudaTestSupport: system property
 * rcnn4j.test.cuda = gpu (a real device, failing when there is none), emu (the emulator) or auto (default: a GPU
 * where driver and device exist, else the emulator). In auto mode a build without the emulator (native build
 * skipped) aborts the test and says why.
 */
final class TestDevice {
    private static CudaDevice device;
    private static String unavailable;

    private TestDevice() {
    }

    static synchronized CudaDevice get() {
        if (device == null && unavailable == null) {
            String mode = System.getProperty("rcnn4j.test.cuda", "auto").trim();
            boolean emulated = switch (mode) {
                case "gpu" -> false;
                case "emu" -> true;
                case "auto", "" -> !(DriverProbe.driverPresent() && DriverProbe.gpuVisible());
                default -> throw new IllegalArgumentException("rcnn4j.test.cuda: expected gpu, emu or auto, got '"
                        + mode + "'");
            };
            try {
                device = CudaDevice.open(emulated, 0);
                System.out.println("CUDA tests run on: " + (emulated ? "the CPU emulator" : device.name()));
            } catch (CudaUnavailableException e) {
                if (!mode.equals("auto") && !mode.isEmpty()) {
                    fail("rcnn4j.test.cuda=" + mode + " but CUDA is unavailable: " + e.getMessage(), e);
                }
                unavailable = e.getMessage();
            }
        }
        Assumptions.assumeTrue(device != null, () -> "CUDA test skipped: no GPU and no CUDA emulator in this build ("
                + unavailable + ")");
        return device;
    }

    /** The device, when it is the emulator: its self-test kernels (cuda/testing) are not in the GPU fatbin. */
    static CudaDevice emulatorWithTestKernels() {
        CudaDevice d = get();
        Assumptions.assumeTrue(d.isEmulated(), "test skipped on a GPU: it launches the emulator's self-test kernels "
                + "(cuda/testing/*.cu), which only the emulator holds");
        return d;
    }
}
