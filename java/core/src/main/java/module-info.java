/**
 * rcnn4j, the library: tensors and the backends that run every op (a pure-Java CPU backend, the reference, and a
 * CUDA backend), autograd and torch-compatible layers, the R-CNN family of detectors, selective search, COCO's
 * format and evaluation, datasets, training, and safetensors / torch {@code .pth} reading.
 *
 * <p>Exported packages are the supported surface. The backends' implementation packages are not: a backend comes
 * from {@link org.rcnn4j.backend.Backends}, and the CLI, which reports on devices, gets them by qualified export.
 */
module org.rcnn4j {
    // Tensor wraps device buffers and CudaBackend hands out its CudaDevice: users of those see the bindings
    requires transitive org.rcnn4j.bindings;
    // ImageFiles and RgbImage read and write pictures
    requires transitive java.desktop;
    // the CPU GEMM's micro-kernel (SgemmVectorKernel); on the class path it is optional (--add-modules)
    requires jdk.incubator.vector;

    exports org.rcnn4j.autograd;
    exports org.rcnn4j.backend;
    exports org.rcnn4j.classic;
    exports org.rcnn4j.coco;
    exports org.rcnn4j.data;
    exports org.rcnn4j.detection;
    exports org.rcnn4j.detection.backbone;
    exports org.rcnn4j.detector;
    exports org.rcnn4j.io;
    exports org.rcnn4j.io.torch;
    exports org.rcnn4j.nn;
    exports org.rcnn4j.nn.functional;
    exports org.rcnn4j.proposals;
    exports org.rcnn4j.tensor;
    exports org.rcnn4j.train;

    // internal: the backends' implementations and the JSON reader, which the CLI uses too
    exports org.rcnn4j.backend.cpu to org.rcnn4j.cli;
    exports org.rcnn4j.backend.cuda to org.rcnn4j.cli;
    exports org.rcnn4j.io.json to org.rcnn4j.cli;

    // backends are found through ServiceLoader (Backends.create), so backend does not name its implementations
    uses org.rcnn4j.backend.BackendProvider;
    provides org.rcnn4j.backend.BackendProvider with org.rcnn4j.backend.cpu.CpuBackendProvider,
            org.rcnn4j.backend.cuda.CudaBackendProvider;
}
