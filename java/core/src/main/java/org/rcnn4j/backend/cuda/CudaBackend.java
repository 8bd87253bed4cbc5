package org.rcnn4j.backend.cuda;

import org.rcnn4j.backend.AvgPool;
import java.util.ArrayList;
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
 * <p>The device is process-wide (its context, stream, memory pool and kernels are shared by every backend on it);
 * each backend works through its own handle on it ({@link CudaDevice#openHandle}), which keeps track of the device
 * buffers the backend handed out. {@link #close()} frees those still open and the pool's cached blocks; a device
 * tensor that becomes unreachable without being closed is freed by a safety net and counted ({@link #stats()}).
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
    private final DeferredChecks checks;

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
        this.device = device.openHandle("the " + (device.isEmulated() ? "cuda-emu" : "cuda") + " backend");
        device = this.device;
        CpuBackend host = new CpuBackend();
        this.elementwise = new ElementwiseCuda(device, host.elementwise());
        // what may fail first, before anything is allocated (the handle itself holds nothing)
        this.conv = VendorLibraries.conv(device, libraries, elementwise);
        this.linalg = VendorLibraries.linalg(device, libraries);
        this.checks = new DeferredChecks(device);
        this.boxes = new BoxesCuda(device);
        this.roi = new RoiCuda(device, checks);
        this.channels = new ChannelsCuda(device);
        this.reduce = new ReduceCuda(device, host.reduce());
        this.gather = new GatherCuda(device, host.gather(), checks);
        this.losses = new LossesCuda(device, host.losses(), checks);
        this.maxPool = new MaxPoolCuda(device, host.maxPool());
        this.avgPool = new AvgPoolCuda(device, host.avgPool());
        this.convert = new ConvertCuda(device, host.convert());
        this.maskTargets = new MaskTargetsCuda(device, roi, checks);
        this.select = new SelectCuda(device);
    }

    /** This backend's handle on its device (closed with the backend). */
    public CudaDevice device() {
        return device;
    }

    /**
     * Throws IllegalStateException naming this backend once it is closed; else returns the buffers of tensors
     * that leaked since the last call to the pool (here, between ops, none of their pointers is in use).
     */
    private void checkOpen() {
        if (device.isClosed()) {
            throw new IllegalStateException("the " + name() + " backend is closed: open a new one to run ops on the "
                    + "device (closing a backend frees every device tensor it made)");
        }
        device.recycleLeaked();
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
        checkOpen();
        return Transfers.toDevice(device, host);
    }

    @Override
    public Tensor toHost(Tensor tensor) {
        checkOpen();
        if (tensor.isHost() || !checks.pending()) {
            return Transfers.toHost(device, tensor);
        }
        return toHost(List.of(tensor)).get(0);
    }

    /** Also reports the device-side argument checks queued since the last synchronization (same wait). */
    @Override
    public List<Tensor> toHost(List<Tensor> tensors) {
        checkOpen();
        if (!checks.pending() || tensors.stream().allMatch(Tensor::isHost)) {
            return Transfers.toHost(device, tensors);
        }
        // under the checks' lock: a check queued by another thread meanwhile is either read here or after
        synchronized (checks) {
            List<Tensor> withWord = new ArrayList<>(tensors);
            withWord.add(checks.wordTensor());
            List<Tensor> host = Transfers.toHost(device, withWord);
            checks.report(host.get(tensors.size()).longs());
            return host.subList(0, tensors.size());
        }
    }

    /** Waits for the device, and reports the device-side argument checks queued since the last synchronization. */
    @Override
    public void synchronize() {
        checkOpen();
        if (checks.pending()) {
            // reading the word waits for the stream: the synchronization itself
            synchronized (checks) {
                checks.report(Transfers.toHost(device, checks.wordTensor()).longs());
            }
        } else {
            device.synchronize();
        }
    }

    @Override
    public String describe() {
        String where = device.isEmulated() ? "rcnn4j's CUDA kernels on the CPU emulation of CUDA (slow; for testing)"
                : device.name() + " (compute capability " + device.computeCapabilityMajor() + "."
                + device.computeCapabilityMinor() + ", " + device.multiprocessorCount() + " SMs)";
        // cuDNN's and cuBLAS's versions or why they are unusable, and what runs conv2d and matmul
        return where + "; " + Cudnn.status(device.shared()).describe() + "; "
                + Cublas.status(device.shared()).describe() + "; "
                + libraries();
    }

    /** Device time between CUDA events recorded around the work on rcnn4j's stream. */
    @Override
    public double elapsedMillis(Runnable work) {
        checkOpen();
        return device.elapsedMillis(work);
    }

    @Override
    public DeviceStats stats() {
        return new DeviceStats(device.syncCount(), device.bytesToHost(), device.bytesToDevice(), device.openBuffers(),
                device.openBytes(), device.leakedBuffers(), device.leakedBytes());
    }

    @Override
    public Select select() {
        checkOpen();
        return select;
    }

    /**
     * Frees every device tensor this backend made that is still open (using one afterwards throws
     * IllegalStateException naming this backend) and gives the memory pool's cached blocks back to the driver;
     * later calls on this backend throw IllegalStateException. Idempotent. The device's context, stream, kernels
     * and cuDNN/cuBLAS handles are process-wide and stay for the other backends on it.
     */
    @Override
    public void close() {
        if (!device.isClosed()) {
            checks.close();
            device.close();
        }
    }

    @Override
    public String toString() {
        return name() + " backend on " + device;
    }

    @Override
    public Boxes boxes() {
        checkOpen();
        return boxes;
    }

    @Override
    public Roi roi() {
        checkOpen();
        return roi;
    }

    @Override
    public Conv conv() {
        checkOpen();
        return conv;
    }

    @Override
    public Channels channels() {
        checkOpen();
        return channels;
    }

    @Override
    public Linalg linalg() {
        checkOpen();
        return linalg;
    }

    @Override
    public Elementwise elementwise() {
        checkOpen();
        return elementwise;
    }

    @Override
    public Reduce reduce() {
        checkOpen();
        return reduce;
    }

    @Override
    public Gather gather() {
        checkOpen();
        return gather;
    }

    @Override
    public Losses losses() {
        checkOpen();
        return losses;
    }

    @Override
    public MaxPool maxPool() {
        checkOpen();
        return maxPool;
    }

    @Override
    public AvgPool avgPool() {
        checkOpen();
        return avgPool;
    }

    @Override
    public MaskTargets maskTargets() {
        checkOpen();
        return maskTargets;
    }

    @Override
    public Convert convert() {
        checkOpen();
        return convert;
    }
}
