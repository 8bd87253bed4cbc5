package org.rcnn4j.cuda;

/**
 * PLACEHOLDER so the device layer compiles before the emulator lands; the emulator branch owns this file and
 * its version replaces this one at merge.
 */
public final class EmulatorLibrary {
    private EmulatorLibrary() {
    }

    public static synchronized void load() {
        throw new CudaUnavailableException("the CUDA emulator is not part of this build yet");
    }

    public static boolean isLoaded() {
        return false;
    }
}
