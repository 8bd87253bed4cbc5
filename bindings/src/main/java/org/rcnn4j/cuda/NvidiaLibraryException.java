package org.rcnn4j.cuda;

/**
 * A cuBLAS or cuDNN call returned a status other than success. The message names the call, the status's name and
 * code, and the library's own detail where it has one (cuDNN 9's last-error string; the stand-ins' explanation).
 */
public final class NvidiaLibraryException extends CudaException {
    private final String library;

    NvidiaLibraryException(String library, String message, int status) {
        super(message, status);
        this.library = library;
    }

    /** "cuBLAS" or "cuDNN". */
    public String library() {
        return library;
    }

    /** The cublasStatus_t or cudnnStatus_t code. */
    public int status() {
        return result();
    }
}
