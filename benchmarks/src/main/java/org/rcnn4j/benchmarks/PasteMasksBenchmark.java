package org.rcnn4j.benchmarks;

import java.util.SplittableRandom;
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

/**
 * paste_masks_in_image on the CPU backend: 100 masks of 28x28 (padding 1) into an 800x1216 image, boxes of 8 to
 * ~40% of the image. The torchvision side of the comparison is the same inputs through
 * torchvision.models.detection.roi_heads.paste_masks_in_image with torch.set_num_threads(2).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx4g", "-XX:ActiveProcessorCount=2"})
public class PasteMasksBenchmark {
    private static final int K = 100;
    private static final int H = 800;
    private static final int W = 1216;
    private static final int M = 28;

    private final CpuBackend cpu = new CpuBackend();
    private Tensor masks;
    private Tensor boxes;

    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(0);
        float[] m = new float[K * M * M];
        for (int i = 0; i < m.length; i++) {
            m[i] = (float) r.nextDouble();
        }
        float[] b = new float[K * 4];
        for (int i = 0; i < K; i++) {
            float x = (float) r.nextDouble() * W * 0.8f;
            float y = (float) r.nextDouble() * H * 0.8f;
            b[4 * i] = x;
            b[4 * i + 1] = y;
            b[4 * i + 2] = x + (float) r.nextDouble() * W * 0.4f + 8;
            b[4 * i + 3] = y + (float) r.nextDouble() * H * 0.4f + 8;
        }
        masks = Tensor.ofFloats(m, K, 1, M, M);
        boxes = Tensor.ofFloats(b, K, 4);
    }

    @Benchmark
    public Tensor pasteCpu() {
        return cpu.roi().pasteMasks(masks, boxes, H, W, 1);
    }
}
