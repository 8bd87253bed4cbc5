package org.rcnn4j.backend.cuda;

import org.rcnn4j.backend.Conv;
import org.rcnn4j.backend.Elementwise;
import org.rcnn4j.backend.Linalg;
import org.rcnn4j.cuda.Cublas;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.Cudnn;
import org.rcnn4j.cuda.NvidiaLibraryStatus;

/**
 * CudaBackend's choice between NVIDIA's libraries and rcnn4j's own kernels for the Conv and Linalg families:
 * cuDNN and cuBLAS where the options allow them and they are usable here (on cuda-emu: the emulator's stand-ins),
 * else conv2d.cu and gemm.cu. Why a library is not usable is what {@link Cudnn#status} and {@link Cublas#status}
 * say ({@code rcnn4j devices} prints it). The libraries' handles belong to the process-wide device (a backend's
 * handle on it, which its close() ends, would leave an entry per backend in their registries).
 */
final class VendorLibraries {
    private VendorLibraries() {
    }

    static Conv conv(CudaDevice device, CudaLibraryOptions options, Elementwise elementwise) {
        ConvCuda own = new ConvCuda(device, elementwise);
        if (options.cudnn()) {
            NvidiaLibraryStatus status = Cudnn.status(device.shared());
            if (status.available()) {
                return new CudnnConv(device, Cudnn.open(device.shared()), options, own);
            }
        }
        return own;
    }

    static Linalg linalg(CudaDevice device, CudaLibraryOptions options) {
        if (options.cublas()) {
            NvidiaLibraryStatus status = Cublas.status(device.shared());
            if (status.available()) {
                return new CublasLinalg(device, Cublas.open(device.shared()), options.cublasTf32());
            }
        }
        return new LinalgCuda(device);
    }

    static String describe(Object family) {
        if (family instanceof CudnnConv) {
            return "cuDNN";
        }
        if (family instanceof CublasLinalg) {
            return "cuBLAS";
        }
        return family instanceof ConvCuda ? "rcnn4j's conv2d.cu" : "rcnn4j's gemm.cu";
    }
}
