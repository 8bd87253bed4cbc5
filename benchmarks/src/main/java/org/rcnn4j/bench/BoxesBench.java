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
import org.openjdk.jmh.infra.Blackhole;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.Tensor;

/**
 * The RPN's box work: decoding 200k anchors' regression codes (about what an 800x1216 image's five FPN levels
 * give) and generating the anchors of every FPN level of an 800x1088 image (217,413 anchors).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class BoxesBench {
    static final int DECODE = 200_000;
    /** FPN levels of an 800x1088 image: strides 4..64, feature sizes as torchvision's backbone gives them. */
    static final int[][] LEVELS = {{200, 272, 32}, {100, 136, 64}, {50, 68, 128}, {25, 34, 256}, {13, 17, 512}};
    static final float[] RATIOS = {0.5f, 1f, 2f};

    final CpuBackend cpu = new CpuBackend();
    final float[] rpnWeights = {1, 1, 1, 1};
    final float clip = (float) Math.log(1000.0 / 16);
    Tensor codes;
    Tensor anchors;

    @Setup
    public void setup() {
        BenchData d = new BenchData(5);
        anchors = d.proposals(DECODE, 1000, BenchData.IMAGE_W, BenchData.IMAGE_H);
        codes = d.normal(DECODE, 4);
    }

    @Benchmark
    public Tensor decode200k() {
        return cpu.boxes().decodeBoxes(codes, anchors, rpnWeights, clip);
    }

    @Benchmark
    public void anchorsFpn800x1088(Blackhole bh) {
        for (int[] level : LEVELS) {
            bh.consume(cpu.boxes().anchors(new int[] {level[2]}, RATIOS, 800, 1088, level[0], level[1]));
        }
    }
}
