package org.rcnn4j.cuda;

/**
 * A CUDA driver call failed. The message names the operation (for a launch: the kernel and its grid), the CUDA
 * error name and the driver's description of it.
 */
public class CudaException extends RuntimeException {
    private final int result;

    public CudaException(String message, int result) {
        super(message);
        this.result = result;
    }

    /** The CUresult code (see {@link jcuda.driver.CUresult}). */
    public int result() {
        return result;
    }
}
