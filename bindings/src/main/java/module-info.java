/**
 * rcnn4j's CUDA bindings: the driver API through JCuda, device memory and streams ({@code org.rcnn4j.cuda}), and
 * one checked wrapper per kernel file of {@code cuda/} ({@code org.rcnn4j.cuda.kernels}, for the library's CUDA
 * backend only). The jar also carries the kernels' fatbin and the CUDA emulator, and the binding of oneDNN's sgemm
 * ({@code org.rcnn4j.onednn}, for the CPU backend only).
 *
 * <p>JCuda is an automatic module, and it looks for its native library only inside its own module: on the module
 * path, put the jcuda-natives jar into it ({@code --patch-module jcuda=jcuda-natives-12.6.0-linux-x86_64.jar}) or
 * its library on {@code java.library.path}. On the class path (the usual way, and the CLI's) nothing is needed.
 */
@SuppressWarnings("requires-transitive-automatic")  // JCuda has no module-info; its name is the jar's, "jcuda"
module org.rcnn4j.bindings {
    // CudaDevice hands out its CUcontext and CUstream, and device buffers their CUdeviceptr, for interop
    requires transitive jcuda;
    // JCuda logs through java.util.logging, and an automatic module declares no requires of its own
    requires java.logging;

    exports org.rcnn4j.cuda;
    exports org.rcnn4j.cuda.kernels to org.rcnn4j;
    // oneDNN's sgemm, the CPU backend's optional GEMM accelerator
    exports org.rcnn4j.onednn to org.rcnn4j;
}
