package org.rcnn4j.backend.cpu;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Random;
import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.backend.Conv2dShape;

/**
 * In-process A/B of the batched F32 conv2d over small maps ({@link Conv2dBatched}: forward, weight and input
 * gradients): main's run-by-run im2col packers, col2im and output sink ({@link Conv2dPack#im2col()},
 * {@link LegacySgemm#channelRowsSink}, ...) against the current padded-copy ones (the same calls as
 * {@link Conv2dBatched}, on a driver and thread count of the benchmark's own), alternating call by call on the same inputs; prints milliseconds per call (minimum and median) and whether
 * the outputs are bit-identical (they must be).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector [-XX:UseAVX=2] [-Djava.util.concurrent.ForkJoinPool.common.parallelism=1] \
 *     -cp benchmarks/target/benchmarks.jar org.rcnn4j.backend.cpu.Conv2dBatchedAB [threads=1|2] [reps=31]
 * </pre>
 *
 * <p>Shapes: the demo pretraining's last stage and compare_torchvision.py's "small maps" (32 images, 3x3 96->128
 * at 4x4, stride 2, padding 1), and 3x3 64->64 at 8x8, stride 1 over 16 images. threads=1 times by the thread's CPU
 * time, threads=2 by the wall clock.
 */
public final class Conv2dBatchedAB {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private Conv2dBatchedAB() {
    }

    public static void main(String[] args) {
        int threads = 1;
        int reps = 31;
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            switch (kv[0]) {
                case "threads" -> threads = Integer.parseInt(kv[1]);
                case "reps" -> reps = Integer.parseInt(kv[1]);
                default -> throw new IllegalArgumentException("unknown argument " + arg
                        + ": expected threads=1|2, reps=N");
            }
        }
        boolean parallel = threads > 1;
        if (parallel && GemmParallel.threads() != threads) {
            throw new IllegalArgumentException("threads=" + threads + " needs -Djava.util.concurrent.ForkJoinPool"
                    + ".common.parallelism=" + (threads - 1));
        }
        SgemmKernel kernel = SgemmKernel.best();
        if (!(kernel instanceof SgemmScalarKernel) && !SgemmWarmUp.warm(kernel)) {
            throw new IllegalStateException("the kernel never ran compiled");
        }
        SgemmDriver driver = new SgemmDriver(kernel);
        System.out.printf("kernel %s, %d thread(s), %d alternations, timed by %s%n", kernel.describe(), threads,
                reps, parallel ? "wall clock" : "thread CPU time");
        System.out.println("| conv2d | old ms (min / median) | new ms (min / median) | median ratio "
                + "| bit-identical |");
        System.out.println("|---|---:|---:|---:|---|");
        // {images, c, h, w, o, k, stride, padding}
        int[][] shapes = {{32, 96, 4, 4, 128, 3, 2, 1}, {16, 64, 8, 8, 64, 3, 1, 1}};
        Random rnd = new Random(18);
        for (int[] sh : shapes) {
            Conv2dShape s = Conv2dShape.ofShapes(new int[] {sh[0], sh[1], sh[2], sh[3]},
                    new int[] {sh[4], sh[1], sh[5], sh[5]}, Conv2dParams.of(sh[6], sh[7], 1, 1));
            float[] x = random(rnd, sh[0] * sh[1] * sh[2] * sh[3]);
            float[] w = random(rnd, sh[4] * sh[1] * sh[5] * sh[5]);
            float[] dy = random(rnd, s.n() * s.o() * s.p());
            for (String phase : new String[] {"forward", "weight gradient", "input gradient"}) {
                int size = switch (phase) {
                    case "forward" -> s.n() * s.o() * s.p();
                    case "weight gradient" -> w.length;
                    default -> x.length;
                };
                float[] outOld = new float[size];
                float[] outNew = new float[size];
                Runnable callOld = () -> old(phase, driver, s, x, w, dy, outOld, parallel);
                Runnable callNew = () -> current(phase, driver, s, x, w, dy, outNew, parallel);
                int inner = 100;
                long[] tOld = new long[reps];
                long[] tNew = new long[reps];
                for (int r = -5; r < reps; r++) {
                    long a = time(callOld, inner, parallel);
                    long b = time(callNew, inner, parallel);
                    if (r >= 0) {
                        tOld[r] = a;
                        tNew[r] = b;
                    }
                }
                // one more call of each onto zeros: the outputs to compare
                Arrays.fill(outOld, 0f);
                Arrays.fill(outNew, 0f);
                callOld.run();
                callNew.run();
                boolean same = Arrays.equals(bits(outOld), bits(outNew));
                Arrays.sort(tOld);
                Arrays.sort(tNew);
                System.out.printf("| %s, %d images, %d->%d at %dx%d, %dx%d stride %d | %.3f / %.3f | %.3f / %.3f "
                        + "| %.2f | %s |%n", phase, sh[0], sh[1], sh[4], sh[2], sh[3], sh[5], sh[5], sh[6],
                        tOld[0] / 1e6 / inner, tOld[reps / 2] / 1e6 / inner, tNew[0] / 1e6 / inner,
                        tNew[reps / 2] / 1e6 / inner, (double) tOld[reps / 2] / tNew[reps / 2], same ? "yes" : "NO");
                if (!same) {
                    throw new AssertionError("old and new outputs differ: " + phase);
                }
            }
        }
    }

    /** main's batched conv2d phase: run-by-run im2col packers, col2im and output sink. */
    private static void old(String phase, SgemmDriver driver, Conv2dShape s, float[] x, float[] w, float[] dy,
            float[] out, boolean parallel) {
        switch (phase) {
            case "forward" -> driver.multiplyByColumns(s.o(), s.n() * s.p(), s.kc(), SgemmPack.a(w, 0, s.kc(), 1),
                    new Conv2dPack(x, 0, s).im2col(), LegacySgemm.channelRowsSink(out, s.o(), s.p()), parallel);
            case "weight gradient" -> driver.multiply(s.o(), s.kc(), s.n() * s.p(),
                    new ChannelRows(dy, s.o(), s.p()).asA(), new Conv2dPack(x, 0, s).im2colTransposed(), out, 0,
                    s.kc(), parallel);
            default -> driver.multiply(s.kc(), s.n() * s.p(), s.o(), SgemmPack.a(w, 0, 1, s.kc()),
                    new ChannelRows(dy, s.o(), s.p()).asB(), new Conv2dPack(out, 0, s).col2im(), s.kh() * s.kw(),
                    parallel);
        }
    }

    /** What {@link Conv2dBatched} runs for the phase, on the given driver and thread count. */
    private static void current(String phase, SgemmDriver driver, Conv2dShape s, float[] x, float[] w, float[] dy,
            float[] out, boolean parallel) {
        switch (phase) {
            case "forward" -> driver.multiplyByColumns(s.o(), s.n() * s.p(), s.kc(), SgemmPack.a(w, 0, s.kc(), 1),
                    new Conv2dPack(x, 0, s).im2colPadded(s.n(), s.c()), new ChannelRows(out, s.o(), s.p()).sink(),
                    parallel);
            case "weight gradient" -> driver.multiply(s.o(), s.kc(), s.n() * s.p(),
                    new ChannelRows(dy, s.o(), s.p()).asA(), new Conv2dPack(x, 0, s).im2colTransposedPadded(s.n(),
                    s.c()), out, 0, s.kc(), parallel);
            default -> {
                Conv2dPack.PaddedCol2im sink = new Conv2dPack(out, 0, s).col2imPadded(s.n(), s.c());
                driver.multiply(s.kc(), s.n() * s.p(), s.o(), SgemmPack.a(w, 0, 1, s.kc()),
                        new ChannelRows(dy, s.o(), s.p()).asB(), sink, s.kh() * s.kw(), parallel);
                sink.finish();
            }
        }
    }

    private static long time(Runnable call, int inner, boolean parallel) {
        long t0 = parallel ? System.nanoTime() : MX.getCurrentThreadCpuTime();
        for (int i = 0; i < inner; i++) {
            call.run();
        }
        return (parallel ? System.nanoTime() : MX.getCurrentThreadCpuTime()) - t0;
    }

    private static float[] random(Random rnd, int size) {
        float[] f = new float[size];
        for (int i = 0; i < size; i++) {
            f[i] = (float) rnd.nextGaussian();
        }
        return f;
    }

    private static int[] bits(float[] x) {
        int[] r = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = Float.floatToRawIntBits(x[i]);
        }
        return r;
    }
}
