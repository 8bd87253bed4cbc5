package org.rcnn4j.backend.cuda;

import org.rcnn4j.backend.AvgPool;
import java.util.List;
import org.rcnn4j.backend.DeviceStats;
import org.rcnn4j.backend.Select;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Boxes;
import org.rcnn4j.backend.Channels;
import org.rcnn4j.backend.Conv;
import org.rcnn4j.backend.Convert;
import org.rcnn4j.backend.Elementwise;
import org.rcnn4j.backend.Gather;
import org.rcnn4j.backend.Linalg;
import org.rcnn4j.backend.Losses;
import org.rcnn4j.backend.MaskTargets;
import org.rcnn4j.backend.MaxPool;
import org.rcnn4j.backend.Reduce;
import org.rcnn4j.backend.Roi;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.cuda.Cublas;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.CudaUnavailableException;
import org.rcnn4j.cuda.Cudnn;
import org.rcnn4j.tensor.Tensor;

/**
 * rcnn4j's CUDA kernels on one device, real ("cuda") or emulated on the CPU ("cuda-emu"). Each family of ops is a
 * class named after it (BoxesCuda), which delegates to the classes named after its kernels (NmsCuda beside nms.cu
 * and NmsKernels). The families with F32 kernels only (elementwise, reduce, gather, losses, max_pool) run other
 * operands, such as the F64 tensors of the gradient checks, through the CPU backend's family on host copies.
 *
 * <p>The device is process-wide: closing a backend frees nothing global (tensors a backend returned are closed
 * by their owners).
 */
public final class CudaBackend implements Backend {
    private final CudaDevice device;
    private final BoxesCuda boxes;
    private final RoiCuda roi;
    private final Conv conv;
    private final ChannelsCuda channels;
    private final Linalg linalg;
    private final Elementwise elementwise;
    private final Reduce reduce;
    private final Gather gather;
    private final Losses losses;
    private final MaxPool maxPool;
    private final AvgPool avgPool;
    private final MaskTargets maskTargets;
    private final Convert convert;
    private final SelectCuda select;

    /**
     * The backend on device 0, real or emulated.
     *
     * @throws CudaUnavailableException no driver or device, or no kernels in this build (the message says why)
     */
    public static CudaBackend open(boolean emulated) {
        return open(emulated, 0);
    }

    /**
     * The backend on device {@code ordinal}, real or emulated.
     *
     * @throws CudaUnavailableException no driver or no such device, or no kernels in this build (the message says
     *                                  why)
     */
    public static CudaBackend open(boolean emulated, int ordinal) {
        return open(emulated, ordinal, CudaLibraryOptions.fromSystemProperties());
    }

    /** {@link #open(boolean, int)} with cuDNN and cuBLAS used as {@code libraries} says. */
    public static CudaBackend open(boolean emulated, CudaLibraryOptions libraries) {
        return open(emulated, 0, libraries);
    }

    /** The backend on device {@code ordinal} with cuDNN and cuBLAS used as {@code libraries} says. */
    public static CudaBackend open(boolean emulated, int ordinal, CudaLibraryOptions libraries) {
        CudaDevice device = CudaDevice.open(emulated, ordinal);
        if (!device.kernelsAvailable()) {
            throw new CudaUnavailableException("the cuda backend is unavailable: "
                    + device.kernelsUnavailableReason());
        }
        return new CudaBackend(device, libraries);
    }

    public CudaBackend(CudaDevice device) {
        this(device, CudaLibraryOptions.fromSystemProperties());
    }

    /** The backend on {@code device}, using cuDNN and cuBLAS as {@code libraries} says where they are present. */
    public CudaBackend(CudaDevice device, CudaLibraryOptions libraries) {
        if (device == null) {
            throw new IllegalArgumentException("device: must not be null");
        }
        this.device = device;
        this.boxes = new BoxesCuda(device);
        this.roi = new RoiCuda(device);
        CpuBackend host = new CpuBackend();
        this.elementwise = new ElementwiseCuda(device, host.elementwise());
        this.conv = VendorLibraries.conv(device, libraries, elementwise);
        this.channels = new ChannelsCuda(device);
        this.linalg = VendorLibraries.linalg(device, libraries);
        this.reduce = new ReduceCuda(device, host.reduce());
        this.gather = new GatherCuda(device, host.gather());
        this.losses = new LossesCuda(device, host.losses());
        this.maxPool = new MaxPoolCuda(device, host.maxPool());
        this.avgPool = new AvgPoolCuda(device, host.avgPool());
        this.convert = new ConvertCuda(device, host.convert());
        this.maskTargets = new MaskTargetsCuda(device, roi);
        this.select = new SelectCuda(device);
    }

    public CudaDevice device() {
        return device;
    }

    /** What runs conv2d and matmul, e.g. "conv2d: cuDNN, matmul: rcnn4j's gemm.cu". */
    public String libraries() {
        return "conv2d: " + VendorLibraries.describe(conv) + ", matmul: " + VendorLibraries.describe(linalg);
    }

    /** True where conv2d runs on cuDNN (its fused bias + ReLU then takes the whole Conv2d + BatchNorm + ReLU). */
    @Override
    public boolean prefersFoldedBatchNorm() {
        return conv instanceof CudnnConv;
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
    public String describe() {
        String where = device.isEmulated() ? "rcnn4j's CUDA kernels on the CPU emulation of CUDA (slow; for testing)"
                : device.name() + " (compute capability " + device.computeCapabilityMajor() + "."
                + device.computeCapabilityMinor() + ", " + device.multiprocessorCount() + " SMs)";
        // cuDNN's and cuBLAS's versions or why they are unusable, and what runs conv2d and matmul
        return where + "; " + Cudnn.status(device).describe() + "; " + Cublas.status(device).describe() + "; "
                + libraries();
    }

    /** Device time between CUDA events recorded around the work on rcnn4j's stream. */
    @Override
    public double elapsedMillis(Runnable work) {
        return device.elapsedMillis(work);
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

    @Override
    public Elementwise elementwise() {
        return elementwise;
    }

    @Override
    public Reduce reduce() {
        return reduce;
    }

    @Override
    public Gather gather() {
        return gather;
    }

    @Override
    public Losses losses() {
        return losses;
    }

    @Override
    public MaxPool maxPool() {
        return maxPool;
    }

    @Override
    public AvgPool avgPool() {
        return avgPool;
    }

    @Override
    public MaskTargets maskTargets() {
        return maskTargets;
    }

    @Override
    public Convert convert() {
        return convert;
    }
}
