package org.rcnn4j.cuda;

/**
 * CUDA cannot be used here: no driver, no device, no kernels in this build, or the other libcuda (real vs.
 * emulated) already loaded in this JVM. The message says which and what to do instead.
 */
public class CudaUnavailableException extends RuntimeException {
    public CudaUnavailableException(String message) {
        super(message);
    }

    public CudaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
