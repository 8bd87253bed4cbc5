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

/** NMS of 10,000 RPN-like proposals at IoU 0.7, and batched NMS of them over 80 classes at 0.5. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class NmsBench {
    final CpuBackend cpu = new CpuBackend();
    Tensor boxes;
    Tensor scores;
    Tensor idxs;

    @Setup
    public void setup() {
        BenchData d = new BenchData(1);
        boxes = d.proposals(10_000, 100, BenchData.IMAGE_W, BenchData.IMAGE_H);
        scores = d.uniform(0, 1, 10_000);
        long[] c = new long[10_000];
        for (int i = 0; i < c.length; i++) {
            c[i] = i % 80;
        }
        idxs = Tensor.ofLongs(c, 10_000);
    }

    @Benchmark
    public Tensor nms10k() {
        return cpu.boxes().nms(boxes, scores, 0.7f);
    }

    @Benchmark
    public Tensor batchedNms10k80Classes() {
        return cpu.boxes().batchedNms(boxes, scores, idxs, 0.5f);
    }
}
