package org.rcnn4j.backend.cpu;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Random;
import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.backend.Conv2dShape;

/**
 * In-process A/B of the batched F32 conv2d forward over small maps ({@link Conv2dBatched#forward}): main's im2col
 * packer and output sink ({@link Conv2dPack#im2col()}, {@link LegacySgemm#channelRowsSink}) against the current
 * ones (the same calls as {@link Conv2dBatched#forward}, on a driver and thread count of the benchmark's own), alternating call by call on the same inputs; prints milliseconds per call (minimum and median) and whether
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
        System.out.println("| conv2d forward | old ms (min / median) | new ms (min / median) | median ratio "
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
            float[] yOld = new float[s.n() * s.o() * s.p()];
            float[] yNew = new float[yOld.length];
            int inner = 100;
            long[] tOld = new long[reps];
            long[] tNew = new long[reps];
            for (int r = -5; r < reps; r++) {
                long a = time(() -> old(driver, s, x, w, yOld, parallel), inner, parallel);
                long b = time(() -> current(driver, s, x, w, yNew, parallel), inner, parallel);
                if (r >= 0) {
                    tOld[r] = a;
                    tNew[r] = b;
                }
            }
            // one more call of each onto zeros: the outputs to compare
            Arrays.fill(yOld, 0f);
            Arrays.fill(yNew, 0f);
            old(driver, s, x, w, yOld, parallel);
            current(driver, s, x, w, yNew, parallel);
            boolean same = Arrays.equals(bits(yOld), bits(yNew));
            Arrays.sort(tOld);
            Arrays.sort(tNew);
            System.out.printf("| %d images, %d->%d at %dx%d, %dx%d stride %d | %.3f / %.3f | %.3f / %.3f | %.2f "
                    + "| %s |%n", sh[0], sh[1], sh[4], sh[2], sh[3], sh[5], sh[5], sh[6], tOld[0] / 1e6 / inner,
                    tOld[reps / 2] / 1e6 / inner, tNew[0] / 1e6 / inner, tNew[reps / 2] / 1e6 / inner,
                    (double) tOld[reps / 2] / tNew[reps / 2], same ? "yes" : "NO");
            if (!same) {
                throw new AssertionError("old and new outputs differ");
            }
        }
    }

    private static void old(SgemmDriver driver, Conv2dShape s, float[] x, float[] w, float[] y, boolean parallel) {
        driver.multiplyByColumns(s.o(), s.n() * s.p(), s.kc(), SgemmPack.a(w, 0, s.kc(), 1),
                new Conv2dPack(x, 0, s).im2col(), LegacySgemm.channelRowsSink(y, s.o(), s.p()), parallel);
    }

    /** What {@link Conv2dBatched#forward} runs, on the given driver and thread count. */
    private static void current(SgemmDriver driver, Conv2dShape s, float[] x, float[] w, float[] y,
            boolean parallel) {
        driver.multiplyByColumns(s.o(), s.n() * s.p(), s.kc(), SgemmPack.a(w, 0, s.kc(), 1),
                new Conv2dPack(x, 0, s).im2colPadded(s.n(), s.c()), new ChannelRows(y, s.o(), s.p()).sink(),
                parallel);
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
