package org.rcnn4j.cuda;

/**
 * Whether cuBLAS or cuDNN can be used here, as {@code rcnn4j devices} reports it: the version and the file loaded,
 * or why not (no such library on this machine, a symbol missing, the binding not in this build).
 *
 * @param library "cuBLAS" or "cuDNN"
 * @param version "13.0.0", or null when unavailable
 * @param location the file loaded, or null
 * @param standIn whether it is the CUDA emulator's CPU stand-in rather than NVIDIA's library
 * @param reason why it is unavailable, or null when available
 */
public record NvidiaLibraryStatus(String library, String version, String location, boolean standIn,
        String reason) {

    public boolean available() {
        return reason == null;
    }

    static NvidiaLibraryStatus unavailable(String library, String reason) {
        return new NvidiaLibraryStatus(library, null, null, false, reason);
    }

    /** "cuBLAS 13.0.0 (/usr/lib/libcublas.so.13)" or "cuBLAS unavailable: why". */
    public String describe() {
        if (!available()) {
            return library + " unavailable: " + reason;
        }
        return library + " " + version + (standIn ? " (rcnn4j's CPU stand-in, " : " (") + location + ")";
    }
}
