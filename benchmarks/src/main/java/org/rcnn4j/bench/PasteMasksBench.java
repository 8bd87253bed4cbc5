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
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.Tensor;

/** Mask R-CNN's last step: 100 masks of 28x28 pasted (padding 1) into an 800x1216 image. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class PasteMasksBench {
    final CpuBackend cpu = new CpuBackend();
    Tensor masks;
    Tensor boxes;

    @Setup
    public void setup() {
        BenchData d = new BenchData(3);
        masks = d.uniform(0, 1, 100, 1, 28, 28);
        boxes = d.proposals(100, 100, BenchData.IMAGE_W, BenchData.IMAGE_H);
    }

    @Benchmark
    public Tensor paste100Masks() {
        return cpu.roi().pasteMasks(masks, boxes, BenchData.IMAGE_H, BenchData.IMAGE_W, 1);
    }
}
