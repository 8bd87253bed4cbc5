package org.rcnn4j.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.rcnn4j.backend.RoiPoolResult;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.Tensor;

/**
 * The Fast R-CNN box head's pooling: 1000 RoIs x 256 channels pooled to 7x7 from a 256x50x76 map (an 800x1216
 * image at stride 16), forward and input gradient; roi_align as MultiScaleRoIAlign calls it (sampling 2,
 * aligned false).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class RoiBench {
    static final int ROIS = 1000;
    static final int CHANNELS = 256;
    static final int POOLED = 7;

    final CpuBackend cpu = new CpuBackend();
    Tensor input;
    Tensor rois;
    Tensor gradOutput;
    int[] inputShape;
    RoiPoolResult pooled;

    @Setup
    public void setup() {
        BenchData d = new BenchData(2);
        input = d.normal(1, CHANNELS, BenchData.MAP_H, BenchData.MAP_W);
        inputShape = input.shape();
        rois = d.rois(ROIS, BenchData.IMAGE_W, BenchData.IMAGE_H);
        gradOutput = d.normal(ROIS, CHANNELS, POOLED, POOLED);
        pooled = cpu.roi().roiPool(input, rois, POOLED, POOLED, BenchData.SCALE);
    }

    @Benchmark
    public Tensor roiAlignForward() {
        return cpu.roi().roiAlign(input, rois, POOLED, POOLED, BenchData.SCALE, 2, false);
    }

    @Benchmark
    public Tensor roiAlignBackward() {
        return cpu.roi().roiAlignBackward(gradOutput, rois, inputShape, BenchData.SCALE, 2, false);
    }

    @Benchmark
    public RoiPoolResult roiPoolForward() {
        return cpu.roi().roiPool(input, rois, POOLED, POOLED, BenchData.SCALE);
    }

    @Benchmark
    public Tensor roiPoolBackward() {
        return cpu.roi().roiPoolBackward(gradOutput, rois, pooled.argmax(), inputShape);
    }
}
