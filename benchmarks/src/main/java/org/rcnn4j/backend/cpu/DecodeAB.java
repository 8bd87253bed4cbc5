package org.rcnn4j.backend.cpu;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.rcnn4j.tensor.Tensor;

/**
 * In-process A/B of decode_boxes on the CPU: the scalar form ({@link DecodeBoxesKernel.Scalar}, its exponentials
 * by {@link ExpF32}'s vector pass) against the one-pass vector form ({@link DecodeBoxesVectorKernel}), call by call
 * alternating on the same inputs so that both see the same machine load. Prints wall-clock minimum and median per
 * form, the allocation of the output alone, and whether the outputs are bit-identical (they must be).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector [-Djava.util.concurrent.ForkJoinPool.common.parallelism=1] \
 *     -cp benchmarks/target/benchmarks.jar org.rcnn4j.backend.cpu.DecodeAB [threads=1|2] [reps=200] [k=200000] [c=1]
 * </pre>
 *
 * <p>threads=1 runs the chunks one after another on the calling thread; threads=2 runs BoxCoderCpu.decode's
 * parallel split (common pool parallelism 1 plus the caller).
 */
public final class DecodeAB {
    private DecodeAB() {
    }

    public static void main(String[] args) throws InterruptedException {
        int threads = 2;
        int reps = 200;
        int k = 200_000;
        int c = 1;
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            switch (kv[0]) {
                case "threads" -> threads = Integer.parseInt(kv[1]);
                case "reps" -> reps = Integer.parseInt(kv[1]);
                case "k" -> k = Integer.parseInt(kv[1]);
                case "c" -> c = Integer.parseInt(kv[1]);
                default -> throw new IllegalArgumentException("unknown argument " + arg
                        + ": expected threads=1|2, reps=N, k=boxes, c=classes");
            }
        }
        DecodeBoxesKernel vector = DecodeBoxesKernel.vector();
        if (vector == null) {
            throw new IllegalStateException("no vector form (needs --add-modules jdk.incubator.vector)");
        }
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!(ExpF32.approx() instanceof ExpVectorApprox) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        DecodeBoxesKernel scalar = new DecodeBoxesKernel.Scalar();
        SplittableRandom g = new SplittableRandom(18);
        float[] boxes = new float[4 * k];
        for (int i = 0; i < k; i++) {
            float x = (float) g.nextDouble() * 1000;
            float y = (float) g.nextDouble() * 800;
            boxes[4 * i] = x;
            boxes[4 * i + 1] = y;
            boxes[4 * i + 2] = x + (float) g.nextDouble() * 300;
            boxes[4 * i + 3] = y + (float) g.nextDouble() * 300;
        }
        float[] codes = new float[4 * k * c];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (float) g.nextGaussian();
        }
        Tensor rel = Tensor.ofFloats(codes, k, 4 * c);
        Tensor b = Tensor.ofFloats(boxes, k, 4);
        float[] weights = {1, 1, 1, 1};
        float clip = (float) Math.log(1000.0 / 16);
        boolean parallel = threads > 1;
        float[][] result = new float[2][];
        for (int w = 0; w < 300; w++) {
            result[0] = run(rel, b, weights, clip, scalar, parallel);
            result[1] = run(rel, b, weights, clip, vector, parallel);
        }
        long[] tOld = new long[reps];
        long[] tNew = new long[reps];
        long[] tAlloc = new long[reps];
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            if ((r & 1) == 0) {
                result[0] = run(rel, b, weights, clip, scalar, parallel);
                long t1 = System.nanoTime();
                result[1] = run(rel, b, weights, clip, vector, parallel);
                tOld[r] = t1 - t0;
                tNew[r] = System.nanoTime() - t1;
            } else {
                result[1] = run(rel, b, weights, clip, vector, parallel);
                long t1 = System.nanoTime();
                result[0] = run(rel, b, weights, clip, scalar, parallel);
                tNew[r] = t1 - t0;
                tOld[r] = System.nanoTime() - t1;
            }
            long t2 = System.nanoTime();
            float[] o = new float[codes.length];
            tAlloc[r] = System.nanoTime() - t2;
            o[r % o.length] = 1;
        }
        Arrays.sort(tOld);
        Arrays.sort(tNew);
        Arrays.sort(tAlloc);
        boolean same = Arrays.equals(result[0], result[1]);
        System.out.printf("decode %d boxes x %d classes, %d thread(s), %d alternations%n", k, c, threads, reps);
        System.out.printf("| form | min ms | median ms |%n|---|---:|---:|%n");
        System.out.printf("| scalar (ExpF32 pass + scalar finish) | %.3f | %.3f |%n", tOld[0] / 1e6,
                tOld[reps / 2] / 1e6);
        System.out.printf("| vector (one pass) | %.3f | %.3f |%n", tNew[0] / 1e6, tNew[reps / 2] / 1e6);
        System.out.printf("| allocating the output alone | %.3f | %.3f |%n", tAlloc[0] / 1e6, tAlloc[reps / 2] / 1e6);
        System.out.printf("median ratio %.2f, bit-identical: %s%n", (double) tOld[reps / 2] / tNew[reps / 2],
                same ? "yes" : "NO");
        if (!same) {
            throw new AssertionError("the forms' outputs differ");
        }
    }

    private static float[] run(Tensor rel, Tensor b, float[] weights, float clip, DecodeBoxesKernel kernel,
            boolean parallel) {
        if (parallel) {
            return BoxCoderCpu.decode(rel, b, weights, clip, kernel).floats();
        }
        float[] r = rel.floats();
        float[] out = new float[r.length];
        int k = b.size(0);
        int c = r.length / (4 * k);
        for (int first = 0; first < k; first += 4096) {
            kernel.decode(r, b.floats(), out, first, Math.min(k, first + 4096), c, weights, clip);
        }
        return out;
    }
}
