package org.rcnn4j.backend.cpu;

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
    private final Linalg linalg = new LinalgCpu();
    private final Elementwise elementwise = new ElementwiseCpu();
    private final Conv conv = new ConvCpu(elementwise);
    private final Reduce reduce = new ReduceCpu();
    private final Gather gather = new GatherCpu();
    private final Losses losses = new LossesCpu();
    private final MaxPool maxPool = new MaxPoolCpu();
    private final AvgPool avgPool = new AvgPoolCpu();
    private final Convert convert = new ConvertCpu();
    private final MaskTargets maskTargets = new MaskTargetsCpu(roi);
    private final SelectCpu select = new SelectCpu();

    @Override
    public org.rcnn4j.backend.Select select() {
        return select;
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String describe() {
        return "pure Java, " + Runtime.getRuntime().availableProcessors() + " processors, common pool "
                + "parallelism " + java.util.concurrent.ForkJoinPool.getCommonPoolParallelism();
    }

    @Override
    public Tensor toDevice(Tensor host) {
        return host;
    }

    @Override
    public Tensor toHost(Tensor tensor) {
        return tensor;
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
