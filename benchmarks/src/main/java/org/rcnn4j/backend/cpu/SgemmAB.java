package org.rcnn4j.backend.cpu;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Random;

/**
 * In-process A/B of the CPU backend's F32 GEMM: main's packing ({@link LegacySgemm}) against the current one, call
 * by call alternating on the same inputs, so that both see the same machine load. Prints GFLOP/s (minimum time and
 * median time of the alternations) per shape and whether both results are bit-identical (they must be).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector [-XX:UseAVX=2] [-Djava.util.concurrent.ForkJoinPool.common.parallelism=1] \
 *     -cp benchmarks/target/benchmarks.jar org.rcnn4j.backend.cpu.SgemmAB [threads=1|2] [reps=15] [shapes=MxNxK,...]
 * </pre>
 *
 * <p>threads=1 calls the driver without parallelism and times by the thread's CPU time unless clock=wall (on a
 * shared machine the wall time mostly measures the other processes); threads=2 runs the driver's fork/join split
 * (common pool parallelism 1 plus the caller) and times by the wall clock.
 */
public final class SgemmAB {
    private static final String SHAPES =
            "256x3800x2304,128x512x864,64x12544x576,256x3800x1024,512x950x4608,256x1024x12544";
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    private static boolean cpuClock;

    private SgemmAB() {
    }

    public static void main(String[] args) {
        int threads = 1;
        int reps = 15;
        String shapes = SHAPES;
        String clock = null;
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            switch (kv[0]) {
                case "threads" -> threads = Integer.parseInt(kv[1]);
                case "reps" -> reps = Integer.parseInt(kv[1]);
                case "shapes" -> shapes = kv[1];
                case "clock" -> clock = kv[1];
                default -> throw new IllegalArgumentException("unknown argument " + arg
                        + ": expected threads=1|2, reps=N, shapes=MxNxK,..., clock=cpu|wall");
            }
        }
        boolean parallel = threads > 1;
        cpuClock = clock == null ? !parallel : clock.equals("cpu");
        if (parallel && GemmParallel.threads() != threads) {
            throw new IllegalArgumentException("threads=" + threads + " needs -Djava.util.concurrent.ForkJoinPool"
                    + ".common.parallelism=" + (threads - 1) + " (the driver runs on the common pool plus the caller)");
        }
        SgemmKernel kernel = SgemmKernel.best();
        if (!(kernel instanceof SgemmScalarKernel) && !SgemmWarmUp.warm(kernel)) {
            throw new IllegalStateException("the kernel never ran compiled");
        }
        SgemmDriver driver = new SgemmDriver(kernel);
        System.out.printf("kernel %s, %d thread(s), %d alternations per shape, timed by %s%n", kernel.describe(),
                threads, reps, cpuClock ? "thread CPU time" : "wall clock");
        System.out.println("| m x n x k | old GFLOP/s (min time / median) | new GFLOP/s (min time / median) "
                + "| median ratio | bit-identical |");
        System.out.println("|---|---:|---:|---:|---|");
        Random rnd = new Random(18);
        for (String shape : shapes.split(",")) {
            String[] p = shape.split("x");
            int m = Integer.parseInt(p[0]);
            int n = Integer.parseInt(p[1]);
            int k = Integer.parseInt(p[2]);
            float[] a = new float[m * k];
            float[] b = new float[k * n];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) rnd.nextGaussian();
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) rnd.nextGaussian();
            }
            float[] cOld = new float[m * n];
            float[] cNew = new float[m * n];
            SgemmDriver.PackA pa = SgemmPack.a(a, 0, k, 1);
            SgemmDriver.PackB oldB = LegacySgemm.rowMajorB(b, 0, n);
            SgemmDriver.PackB newB = SgemmPack.b(b, 0, n, 1);
            double flop = 2.0 * m * n * k;
            // small products repeat within one sample, so that a sample is long against the clock's resolution
            int inner = (int) Math.max(1, Math.round(1e9 / flop));
            for (int w = 0; w < 3; w++) {
                run(driver, m, n, k, pa, oldB, cOld, parallel, inner);
                run(driver, m, n, k, pa, newB, cNew, parallel, inner);
            }
            long[] tOld = new long[reps];
            long[] tNew = new long[reps];
            for (int r = 0; r < reps; r++) {
                // alternate which goes first, so neither always follows the other's cache state
                if ((r & 1) == 0) {
                    tOld[r] = run(driver, m, n, k, pa, oldB, cOld, parallel, inner);
                    tNew[r] = run(driver, m, n, k, pa, newB, cNew, parallel, inner);
                } else {
                    tNew[r] = run(driver, m, n, k, pa, newB, cNew, parallel, inner);
                    tOld[r] = run(driver, m, n, k, pa, oldB, cOld, parallel, inner);
                }
            }
            Arrays.sort(tOld);
            Arrays.sort(tNew);
            double f = flop * inner;
            boolean same = Arrays.equals(bits(cOld), bits(cNew));
            System.out.printf("| %d x %d x %d | %.0f / %.0f | %.0f / %.0f | %.2f | %s |%n", m, n, k, f / tOld[0],
                    f / tOld[reps / 2], f / tNew[0], f / tNew[reps / 2], (double) tOld[reps / 2] / tNew[reps / 2],
                    same ? "yes" : "NO");
            if (!same) {
                throw new AssertionError("old and new results differ for " + shape);
            }
        }
    }

    private static long run(SgemmDriver driver, int m, int n, int k, SgemmDriver.PackA a, SgemmDriver.PackB b,
            float[] c, boolean parallel, int inner) {
        long t0 = cpuClock ? MX.getCurrentThreadCpuTime() : System.nanoTime();
        for (int i = 0; i < inner; i++) {
            Arrays.fill(c, 0f);
            driver.multiply(m, n, k, a, b, c, 0, n, parallel);
        }
        return (cpuClock ? MX.getCurrentThreadCpuTime() : System.nanoTime()) - t0;
    }

    private static int[] bits(float[] x) {
        int[] r = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = Float.floatToRawIntBits(x[i]);
        }
        return r;
    }
}
