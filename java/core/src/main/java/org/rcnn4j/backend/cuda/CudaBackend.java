package org.rcnn4j.backend.cuda;

import java.util.List;
import org.rcnn4j.backend.DeviceStats;
import org.rcnn4j.backend.Select;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Boxes;
import org.rcnn4j.backend.Channels;
import org.rcnn4j.backend.Conv;
import org.rcnn4j.backend.Linalg;
import org.rcnn4j.backend.Roi;
import org.rcnn4j.tensor.Tensor;

import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.CudaUnavailableException;

/**
 * rcnn4j's CUDA kernels on one device, real ("cuda") or emulated on the CPU ("cuda-emu"). Each family of ops is a
 * class named after it (BoxesCuda), which delegates to the classes named after its kernels (NmsCuda beside nms.cu
 * and NmsKernels).
 *
 * <p>The device is process-wide: closing a backend frees nothing global (tensors a backend returned are closed
 * by their owners).
 */
public final class CudaBackend implements Backend {
    private final CudaDevice device;
    private final BoxesCuda boxes;
    private final RoiCuda roi;
    private final ConvCuda conv;
    private final ChannelsCuda channels;
    private final LinalgCuda linalg;
    private final SelectCuda select;

    /**
     * The backend on device 0, real or emulated.
     *
     * @throws CudaUnavailableException no driver or device, or no kernels in this build (the message says why)
     */
    public static CudaBackend open(boolean emulated) {
        CudaDevice device = CudaDevice.open(emulated, 0);
        if (!device.kernelsAvailable()) {
            throw new CudaUnavailableException("the cuda backend is unavailable: "
                    + device.kernelsUnavailableReason() + "; use --device cpu or cuda-emu");
        }
        return new CudaBackend(device);
    }

    public CudaBackend(CudaDevice device) {
        if (device == null) {
            throw new IllegalArgumentException("device: must not be null");
        }
        this.device = device;
        this.boxes = new BoxesCuda(device);
        this.roi = new RoiCuda(device);
        this.conv = new ConvCuda(device);
        this.channels = new ChannelsCuda(device);
        this.linalg = new LinalgCuda(device);
        this.select = new SelectCuda(device);
    }

    public CudaDevice device() {
        return device;
    }

    @Override
    public String name() {
        return device.isEmulated() ? "cuda-emu" : "cuda";
    }

    @Override
    public Tensor toDevice(Tensor host) {
        return Transfers.toDevice(device, host);
    }

    @Override
    public Tensor toHost(Tensor tensor) {
        return Transfers.toHost(device, tensor);
    }

    @Override
    public List<Tensor> toHost(List<Tensor> tensors) {
        return Transfers.toHost(device, tensors);
    }

    @Override
    public void synchronize() {
        device.synchronize();
    }

    @Override
    public DeviceStats stats() {
        return new DeviceStats(device.syncCount(), device.bytesToHost(), device.bytesToDevice());
    }

    @Override
    public Select select() {
        return select;
    }

    /** Frees nothing: the device, its stream and cached memory are shared by the whole process. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return name() + " backend on " + device;
    }

    @Override
    public Boxes boxes() {
        return boxes;
    }

    @Override
    public Roi roi() {
        return roi;
    }

    @Override
    public Conv conv() {
        return conv;
    }

    @Override
    public Channels channels() {
        return channels;
    }

    @Override
    public Linalg linalg() {
        return linalg;
    }
}
