package org.rcnn4j.cuda;

/**
 * Run in a child JVM by {@link NoDriverTest}: opens the real driver first (nothing loaded yet), then the
 * emulator, and prints what happened to each, one line apiece.
 */
public final class FreshJvmOpen {
    private FreshJvmOpen() {
    }

    public static void main(String[] args) {
        try {
            CudaDevice d = CudaDevice.open(false, 0);
            System.out.println("REAL ok " + d.name());
        } catch (RuntimeException | LinkageError e) {
            System.out.println("REAL " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        try {
            CudaDevice d = CudaDevice.open(true, 0);
            System.out.println("EMU ok " + d.name());
        } catch (RuntimeException | LinkageError e) {
            System.out.println("EMU " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
