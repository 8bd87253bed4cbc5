package org.rcnn4j.cuda.emu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rcnn4j.cuda.emu.EmuHarness.alloc;
import static org.rcnn4j.cuda.emu.EmuHarness.describe;
import static org.rcnn4j.cuda.emu.EmuHarness.downloadDoubles;
import static org.rcnn4j.cuda.emu.EmuHarness.downloadFloats;
import static org.rcnn4j.cuda.emu.EmuHarness.downloadInts;
import static org.rcnn4j.cuda.emu.EmuHarness.free;
import static org.rcnn4j.cuda.emu.EmuHarness.function;
import static org.rcnn4j.cuda.emu.EmuHarness.launch;
import static org.rcnn4j.cuda.emu.EmuHarness.launch1d;
import static org.rcnn4j.cuda.emu.EmuHarness.ok;
import static org.rcnn4j.cuda.emu.EmuHarness.randomFloats;
import static org.rcnn4j.cuda.emu.EmuHarness.upload;

import java.util.Random;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Correct kernels compute the right answers through JCuda -> the emulated driver -> host-compiled kernels. */
class EmulatorKernelTest {

    private final long seed = System.nanoTime();
    private final Random random = new Random(seed);

    @BeforeEach
    void setUp() {
        EmuHarness.init();
    }

    @Test
    void saxpyMatchesHostOnRandomInputs() {
        CUfunction saxpy = function("rcnn4j_emutest_saxpy");
        for (int n : new int[] {1, 255, 256, 257, 100_003}) {
            float[] x = randomFloats(random, n);
            float[] y = randomFloats(random, n);
            float a = random.nextFloat() * 4 - 2;
            CUdeviceptr dx = upload(x);
            CUdeviceptr dy = upload(y);
            ok(launch1d(saxpy, (n + 127) / 128, 128, Pointer.to(new int[] {n}), Pointer.to(new float[] {a}),
                    Pointer.to(dx), Pointer.to(dy)), "saxpy");
            float[] got = downloadFloats(dy, n);
            for (int i = 0; i < n; i++) {
                assertEquals(a * x[i] + y[i], got[i], 0f, "seed " + seed + ", n " + n + ", i " + i);
            }
            free(dx, dy);
        }
    }

    @Test
    void blockReductionWithBarriersIsRightOnEveryLaunch() {
        for (String kernel : new String[] {"rcnn4j_emutest_block_sum", "rcnn4j_emutest_block_sum_dynamic"}) {
            CUfunction sum = function(kernel);
            int threads = 256;
            int n = 10_000;
            int blocks = (n + threads - 1) / threads;
            int shared = kernel.endsWith("dynamic") ? threads * 4 : 0;
            for (int run = 0; run < 5; run++) {
                float[] x = randomFloats(random, n);
                CUdeviceptr dx = upload(x);
                CUdeviceptr out = alloc(blocks * 4L);
                ok(launch(sum, blocks, 1, 1, threads, 1, 1, shared, Pointer.to(dx), Pointer.to(new int[] {n}),
                        Pointer.to(out)), kernel);
                float[] got = downloadFloats(out, blocks);
                for (int b = 0; b < blocks; b++) {
                    assertEquals(blockSum(x, b, threads), got[b], 1e-4, kernel + " seed " + seed + " block " + b);
                }
                free(dx, out);
            }
        }
    }

    static double blockSum(float[] x, int block, int threads) {
        double s = 0;
        for (int i = block * threads; i < Math.min(x.length, (block + 1) * threads); i++) {
            s += x[i];
        }
        return s;
    }

    @Test
    void warpShuffleReductionsAreRight() {
        int n = 32 * 64;
        float[] x = randomFloats(random, n);
        CUdeviceptr dx = upload(x);
        CUdeviceptr sums = alloc(n / 32 * 4L);
        ok(launch1d(function("rcnn4j_emutest_warp_sum"), n / 128, 128, Pointer.to(dx), Pointer.to(sums)), "warp_sum");
        float[] got = downloadFloats(sums, n / 32);
        CUdeviceptr all = alloc(n * 4L);
        ok(launch1d(function("rcnn4j_emutest_warp_allreduce"), n / 256, 256, Pointer.to(dx), Pointer.to(all)),
                "warp_allreduce");
        float[] each = downloadFloats(all, n);
        for (int w = 0; w < n / 32; w++) {
            double expect = blockSum(x, w, 32);
            assertEquals(expect, got[w], 1e-4, "warp_sum seed " + seed + " warp " + w);
            for (int l = 0; l < 32; l++) {
                assertEquals(expect, each[w * 32 + l], 1e-4, "warp_allreduce seed " + seed + " lane " + l);
            }
        }
        free(dx, sums, all);
    }

    @Test
    void ballotsBarrierCountsAndAtomicsAgree() {
        int n = 5000;
        float[] x = randomFloats(random, n);
        int positive = 0;
        int maxBits = 0;
        for (float v : x) {
            positive += v > 0 ? 1 : 0;
            maxBits = Math.max(maxBits, Float.floatToIntBits(Math.abs(v)));
        }
        CUdeviceptr dx = upload(x);
        CUdeviceptr out = upload(new int[] {0, 0, 0});
        ok(launch1d(function("rcnn4j_emutest_count_positive"), (n + 255) / 256, 256, Pointer.to(dx),
                Pointer.to(new int[] {n}), Pointer.to(out)), "count_positive");
        assertArrayEquals(new int[] {positive, positive, maxBits}, downloadInts(out, 3), "seed " + seed);
        free(dx, out);
    }

    @Test
    void builtInsCoverThreeDimensionalLaunches() {
        int gx = 3, gy = 2, gz = 2, bx = 4, by = 3, bz = 5;
        int total = gx * gy * gz * bx * by * bz;
        CUdeviceptr out = alloc(total * 6L * 4);
        ok(launch(function("rcnn4j_emutest_coords"), gx, gy, gz, bx, by, bz, 0, Pointer.to(out)), "coords");
        int[] got = downloadInts(out, total * 6);
        int i = 0;
        for (int z = 0; z < gz; z++) {
            for (int y = 0; y < gy; y++) {
                for (int x = 0; x < gx; x++) {
                    for (int tz = 0; tz < bz; tz++) {
                        for (int ty = 0; ty < by; ty++) {
                            for (int tx = 0; tx < bx; tx++) {
                                int[] expect = {tx, ty, tz, x, y, z};
                                for (int k = 0; k < 6; k++) {
                                    assertEquals(expect[k], got[6 * i + k], "thread " + i + " field " + k);
                                }
                                i++;
                            }
                        }
                    }
                }
            }
        }
        free(out);
    }

    @Test
    void kernelParametersOfMixedTypesArrive() {
        int n = 1000;
        CUdeviceptr out = alloc(n * 8L);
        int a = 3;
        float b = 0.5f;
        double c = 1e-3;
        long d = 1L << 40;
        ok(launch1d(function("rcnn4j_emutest_params"), (n + 63) / 64, 64, Pointer.to(out),
                Pointer.to(new long[] {n}), Pointer.to(new int[] {a}), Pointer.to(new float[] {b}),
                Pointer.to(new double[] {c}), Pointer.to(new long[] {d})), "params");
        double[] got = downloadDoubles(out, n);
        for (int i = 0; i < n; i++) {
            assertEquals((double) a * i + b + c + d, got[i], 0.0, "i " + i);
        }
        free(out);
    }

    @Test
    void largeDynamicSharedMemoryWorksAfterOptIn() {
        CUfunction sum = function("rcnn4j_emutest_block_sum_dynamic");
        int bytes = 64 * 1024;
        ok(EmuHarness.rc(() -> jcuda.driver.JCudaDriver.cuFuncSetAttribute(sum,
                jcuda.driver.CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, bytes)),
                "cuFuncSetAttribute");
        int threads = 1024;
        float[] x = randomFloats(random, threads * 3);
        CUdeviceptr dx = upload(x);
        CUdeviceptr out = alloc(3 * 4L);
        int r = launch(sum, 3, 1, 1, threads, 1, 1, bytes, Pointer.to(dx), Pointer.to(new int[] {x.length}),
                Pointer.to(out));
        ok(r, "block_sum_dynamic with 64 KiB");
        float[] got = downloadFloats(out, 3);
        for (int b = 0; b < 3; b++) {
            assertEquals(blockSum(x, b, threads), got[b], 1e-3, "block " + b);
        }
        ok(EmuHarness.rc(() -> jcuda.driver.JCudaDriver.cuFuncSetAttribute(sum,
                jcuda.driver.CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, 48 * 1024)),
                "cuFuncSetAttribute back to 48 KiB");
        assertTrue(describe(0).startsWith("CUDA_SUCCESS"));
        free(dx, out);
    }
    @Test
    void segmentedScansAndBroadcastsRespectTheShuffleWidth() {
        CUfunction scan = function("rcnn4j_emutest_segmented_scan");
        int n = 256;
        int[] x = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextInt(1000) - 500;
        }
        CUdeviceptr dx = EmuHarness.upload(x);
        CUdeviceptr out = alloc(2L * n * 4);
        for (int width : new int[] {8, 16, 32}) {
            ok(launch1d(scan, n / 64, 64, Pointer.to(dx), Pointer.to(new int[] {width}), Pointer.to(out)),
                    "segmented_scan width " + width);
            int[] got = downloadInts(out, 2 * n);
            for (int i = 0; i < n; i++) {
                int start = i - (i % width);
                int sum = 0;
                for (int j = start; j <= i; j++) {
                    sum += x[j];
                }
                assertEquals(sum, got[2 * i], "scan, width " + width + ", i " + i + ", seed " + seed);
                assertEquals(x[start], got[2 * i + 1], "broadcast, width " + width + ", i " + i + ", seed " + seed);
            }
        }
        free(dx, out);
    }

    @Test
    void votesOverAPartialMaskSeeOnlyItsLanes() {
        int n = 32 * 8;
        int[] x = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextInt(3) - 1;
        }
        int warps = n / 32;
        x[0] = 1;  // warp 0: some even lane positive
        for (int l = 0; l < 32; l += 2) {
            x[32 + l] = 1;  // warp 1: every even lane positive
            x[64 + l] = 0;  // warp 2: no even lane positive
        }
        CUdeviceptr dx = EmuHarness.upload(x);
        CUdeviceptr out = alloc(4L * warps * 4);
        ok(launch1d(function("rcnn4j_emutest_even_lane_votes"), n / 128, 128, Pointer.to(dx), Pointer.to(out)),
                "even_lane_votes");
        int[] got = downloadInts(out, 4 * warps);
        for (int w = 0; w < warps; w++) {
            int ballot = 0;
            for (int l = 0; l < 32; l += 2) {
                ballot |= x[w * 32 + l] > 0 ? 1 << l : 0;
            }
            assertEquals(ballot, got[4 * w], "ballot of warp " + w);
            assertEquals(ballot != 0 ? 1 : 0, got[4 * w + 1], "any of warp " + w);
            assertEquals(ballot == 0x55555555 ? 1 : 0, got[4 * w + 2], "all of warp " + w);
            // The emulator's __activemask() is the warp's lanes that have not returned, which depends on the random
            // thread order; the calling lane 0 is always among them.
            assertEquals(1, got[4 * w + 3] & 1, "activemask of warp " + w);
        }
        free(dx, out);
    }
    @Test
    void blockScanMixingWarpShufflesAndBarriersIsRight() {
        CUfunction scan = function("rcnn4j_emutest_block_scan");
        for (int threads : new int[] {32, 96, 1024}) {
            int blocks = 3;
            int n = threads * blocks;
            int[] x = new int[n];
            for (int i = 0; i < n; i++) {
                x[i] = random.nextInt(2001) - 1000;
            }
            CUdeviceptr dx = EmuHarness.upload(x);
            CUdeviceptr out = alloc(n * 4L);
            ok(launch1d(scan, blocks, threads, Pointer.to(dx), Pointer.to(out)), "block_scan " + threads);
            int[] got = downloadInts(out, n);
            for (int b = 0; b < blocks; b++) {
                int sum = 0;
                for (int t = 0; t < threads; t++) {
                    sum += x[b * threads + t];
                    assertEquals(sum, got[b * threads + t], "threads " + threads + " block " + b + " t " + t
                            + " seed " + seed);
                }
            }
            free(dx, out);
        }
    }
    @Test
    void mathBuiltInsMatchJava() {
        int n = 1000;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (random.nextFloat() - 0.5f) * 20f;
        }
        x[0] = 2.5f;   // round half to even
        x[1] = -3.5f;
        x[2] = 0.75f;  // inside [0, 1] for __saturatef
        CUdeviceptr dx = upload(x);
        CUdeviceptr out = alloc(8L * n * 4);
        ok(launch1d(function("rcnn4j_emutest_math"), (n + 255) / 256, 256, Pointer.to(dx),
                Pointer.to(new int[] {n}), Pointer.to(out)), "math");
        float[] got = downloadFloats(out, 8 * n);
        for (int i = 0; i < n; i++) {
            double v = x[i];
            double a = Math.abs(v);
            double[] expect = {Math.exp(v), Math.log(a), Math.sqrt(a), 1 / Math.sqrt(a), Math.min(1, Math.max(0, v)),
                Math.floor(v), Math.rint(v), Math.pow(a, 1.5)};
            for (int k = 0; k < 8; k++) {
                double tolerance = 2e-6 * Math.max(1, Math.abs(expect[k]));
                assertEquals(expect[k], got[8 * i + k], tolerance, "function " + k + " of " + x[i]);
            }
        }
        free(dx, out);
    }
}
