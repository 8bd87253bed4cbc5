package org.rcnn4j.cuda;

import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/** Checks CUresult codes: every driver call of the device layer goes through {@link #check}. */
final class Driver {
    private Driver() {
    }

    /** Throws CudaException naming {@code operation} unless {@code result} is CUDA_SUCCESS. */
    static void check(int result, String operation) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new CudaException(operation + " failed: " + describe(result), result);
        }
    }

    /** "CUDA_ERROR_X (code n): the driver's text for it". */
    static String describe(int result) {
        String name = CUresult.stringFor(result);
        String text = null;
        try {
            String[] out = new String[1];
            if (JCudaDriver.cuGetErrorString(result, out) == CUresult.CUDA_SUCCESS) {
                text = out[0];
            }
        } catch (RuntimeException | LinkageError e) {
            // the text is a courtesy: the code and its name already identify the error
        }
        return name + " (code " + result + ")" + (text == null || text.isEmpty() ? "" : ": " + text);
    }
}
