package org.rcnn4j.backend.cpu;

import java.time.Duration;
import org.rcnn4j.backend.AvgPool;
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
import org.rcnn4j.tensor.Tensor;

/**
 * The pure-Java backend: runs everywhere, uses every core (the common fork-join pool), and is the reference
 * that every CUDA kernel is tested against. Each family of ops is a class named after it
 * (BoxesCpu), which delegates to the classes named after its kernels (NmsCpu, BoxOpsCpu, ...).
 */
public final class CpuBackend implements Backend {
    private final Boxes boxes = new BoxesCpu();
    private final Roi roi = new RoiCpu();
    private final Channels channels = new ChannelsCpu();
    private final Linalg linalg;
    private final Elementwise elementwise = new ElementwiseCpu();
    private final Conv conv;
    private final boolean oneDnnConvolutions;
    private final Reduce reduce = new ReduceCpu();
    private final Gather gather = new GatherCpu();
    private final Losses losses = new LossesCpu();
    private final MaxPool maxPool = new MaxPoolCpu();
    private final AvgPool avgPool = new AvgPoolCpu();
    private final Convert convert = new ConvertCpu();
    private final MaskTargets maskTargets = new MaskTargetsCpu(roi);
    private final SelectCpu select = new SelectCpu();
    private volatile boolean closed;

    /** Throws IllegalStateException once this backend is closed. */
    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the cpu backend is closed: open a new one (Backends.create(\"cpu\")) to "
                    + "run ops");
        }
    }

    /**
     * Marks the backend closed; its tensors are Java arrays, which stay usable. With oneDNN's convolutions it also
     * frees the calling thread's convolution workspace ({@link org.rcnn4j.onednn.OneDnn#workspaceBytes()}); other
     * threads' workspaces go when those threads end.
     */
    @Override
    public void close() {
        closed = true;
        if (oneDnnConvolutions) {
            OneDnnConv.releaseThreadWorkspace();
        }
    }

    @Override
    public org.rcnn4j.backend.Select select() {
        checkOpen();
        return select;
    }

    @Override
    public String name() {
        return "cpu";
    }

    /**
     * The CPU backend as -Drcnn4j.onednn and -Drcnn4j.onednn.gemm set it up, checked here, so that {@code true} on a
     * machine without oneDNN fails when the backend is created, naming what is missing, rather than at the first
     * convolution.
     */
    public CpuBackend() {
        this(OneDnnConv.enabled());
        OneDnnGemm.enabled();
    }

    /** With or without oneDNN's convolutions, whatever the property says (tests). */
    CpuBackend(boolean oneDnnConvolutions) {
        this.oneDnnConvolutions = oneDnnConvolutions;
        this.conv = new ConvCpu(elementwise, oneDnnConvolutions);
        this.linalg = new LinalgCpu(oneDnnConvolutions);
    }

    /**
     * The reference: rcnn4j's own convolutions, never oneDNN's, whatever -Drcnn4j.onednn says. The CUDA backend's
     * whole-network tests compare against it: oneDNN sums in another order, and a training step through batch norm
     * can amplify that rounding in a channel of tiny variance far beyond the kernels' own agreement.
     */
    public static CpuBackend reference() {
        return new CpuBackend(false);
    }

    @Override
    public boolean awaitWarmUp(Duration timeout) {
        return VectorWarmUp.awaitAll(timeout.toNanos());
    }

    @Override
    public String describe() {
        return "pure Java, " + Runtime.getRuntime().availableProcessors() + " processors, common pool "
                + "parallelism " + java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() + "; "
                + OneDnnConv.describe(oneDnnConvolutions) + "; " + OneDnnGemm.describe();
    }

    @Override
    public Tensor toDevice(Tensor host) {
        checkOpen();
        return host;
    }

    @Override
    public void synchronize() {
        checkOpen();
    }

    @Override
    public Tensor toHost(Tensor tensor) {
        checkOpen();
        return tensor;
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
