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
import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.Tensor;

/** The RPN head's / FPN's 3x3 convolution, 256 to 256 channels at 50x76 (stride 16 of 800x1216), with bias. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class Conv2dBench {
    final CpuBackend cpu = new CpuBackend();
    final Conv2dParams params = Conv2dParams.of(1, 1, 1, 1);
    Tensor input;
    Tensor weight;
    Tensor bias;

    @Setup
    public void setup() {
        BenchData d = new BenchData(4);
        input = d.normal(1, 256, BenchData.MAP_H, BenchData.MAP_W);
        weight = d.normal(256, 256, 3, 3);
        bias = d.normal(256);
    }

    @Benchmark
    public Tensor conv3x3x256Forward() {
        return cpu.conv().conv2d(input, weight, bias, params);
    }
}
