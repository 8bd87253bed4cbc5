package org.rcnn4j.cuda.emu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rcnn4j.cuda.emu.EmuHarness.alloc;
import static org.rcnn4j.cuda.emu.EmuHarness.describe;
import static org.rcnn4j.cuda.emu.EmuHarness.downloadFloats;
import static org.rcnn4j.cuda.emu.EmuHarness.free;
import static org.rcnn4j.cuda.emu.EmuHarness.function;
import static org.rcnn4j.cuda.emu.EmuHarness.launch1d;
import static org.rcnn4j.cuda.emu.EmuHarness.ok;
import static org.rcnn4j.cuda.emu.EmuHarness.randomFloats;
import static org.rcnn4j.cuda.emu.EmuHarness.upload;

import java.util.Random;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bugs a GPU would hide or report vaguely, which the emulator must expose. */
class EmulatorBugDetectionTest {

    private final long seed = System.nanoTime();
    private final Random random = new Random(seed);

    @BeforeEach
    void setUp() {
        EmuHarness.init();
    }

    @Test
    void missingBarrierGivesWrongSumsUnderSomeThreadOrders() {
        Assumptions.assumeTrue(System.getenv("RCNN4J_EMU_SEED") == null,
                "RCNN4J_EMU_SEED fixes one thread order for every launch; this test needs launches to differ");
        CUfunction racy = function("rcnn4j_emutest_block_sum_racy");
        int threads = 256;
        int blocks = 8;
        int n = threads * blocks;
        float[] x = randomFloats(random, n);
        CUdeviceptr dx = upload(x);
        CUdeviceptr out = alloc(blocks * 4L);
        int wrongLaunches = 0;
        int launches = 10;
        for (int run = 0; run < launches; run++) {
            ok(launch1d(racy, blocks, threads, Pointer.to(dx), Pointer.to(new int[] {n}), Pointer.to(out)),
                    "block_sum_racy");
            float[] got = downloadFloats(out, blocks);
            for (int b = 0; b < blocks; b++) {
                if (Math.abs(got[b] - EmulatorKernelTest.blockSum(x, b, threads)) > 1e-3) {
                    wrongLaunches++;
                    break;
                }
            }
        }
        free(dx, out);
        assertTrue(wrongLaunches > 0, "the reduction without barriers gave right sums in all " + launches
                + " launches (input seed " + seed + ")");
    }

    @Test
    void writeOnePastTheEndFailsWithIllegalAddressNamingKernelAndBuffer() {
        int n = 1000;
        CUdeviceptr dx = upload(randomFloats(random, n));
        CUdeviceptr dy = alloc(n * 4L);
        int launched = launch1d(function("rcnn4j_emutest_write_past_end"), (n + 127) / 128, 128, Pointer.to(dx),
                Pointer.to(new int[] {n}), Pointer.to(dy));
        // With RCNN4J_EMU_CHECK=0 the launch succeeds and the next synchronize reports the damage.
        int r = launched == CUresult.CUDA_SUCCESS ? EmuHarness.rc(JCudaDriver::cuCtxSynchronize) : launched;
        assertEquals(CUresult.CUDA_ERROR_ILLEGAL_ADDRESS, r, () -> describe(r));
        String detail = describe(r);
        assertTrue(detail.contains("rcnn4j_emutest_write_past_end"), detail);
        assertTrue(detail.contains("past the end of device allocation") && detail.contains(n * 4 + " bytes"), detail);

        // Not sticky: the next launch works, and freeing the buffer finds nothing more.
        CUdeviceptr dy2 = alloc(n * 4L);
        ok(launch1d(function("rcnn4j_emutest_saxpy"), (n + 127) / 128, 128, Pointer.to(new int[] {n}),
                Pointer.to(new float[] {1f}), Pointer.to(dx), Pointer.to(dy2)), "saxpy after the failed launch");
        ok(EmuHarness.rc(() -> JCudaDriver.cuMemFree(dy)), "cuMemFree of the damaged buffer after the report");
        free(dx, dy2);
    }

    @Test
    void outOfBoundsWriteIsFoundAtFreeWhenNotCheckedPerLaunch() {
        // With per-launch checks on (the default) the launch reports it; cuMemFree checks the guards regardless.
        int n = 64;
        CUdeviceptr dx = upload(randomFloats(random, n));
        CUdeviceptr dy = alloc(n * 4L);
        int r = launch1d(function("rcnn4j_emutest_write_past_end"), 1, 128, Pointer.to(dx),
                Pointer.to(new int[] {n}), Pointer.to(dy));
        if (r == CUresult.CUDA_SUCCESS) {  // RCNN4J_EMU_CHECK=0
            int f = EmuHarness.rc(() -> JCudaDriver.cuMemFree(dy));
            assertEquals(CUresult.CUDA_ERROR_ILLEGAL_ADDRESS, f, () -> describe(f));
            assertTrue(describe(f).contains("rcnn4j_emutest_write_past_end"), describe(f));
        } else {
            assertEquals(CUresult.CUDA_ERROR_ILLEGAL_ADDRESS, r, () -> describe(r));
            free(dy);
        }
        free(dx);
    }

    @Test
    void shuffleFromTheWrongLaneGivesWrongSums() {
        int n = 32 * 16;
        float[] x = randomFloats(random, n);
        CUdeviceptr dx = upload(x);
        CUdeviceptr sums = alloc(n / 32 * 4L);
        ok(launch1d(function("rcnn4j_emutest_warp_sum_wrong_lane"), n / 64, 64, Pointer.to(dx), Pointer.to(sums)),
                "warp_sum_wrong_lane");
        float[] got = downloadFloats(sums, n / 32);
        free(dx, sums);
        // the emulator gives what the buggy kernel gives on a GPU, lane for lane, and that is the wrong sum: for
        // every warp but one whose lanes happen to cancel (|error| <= 1e-4, about one warp in 10^5)
        int wrong = 0;
        for (int w = 0; w < n / 32; w++) {
            assertEquals(wrongLaneSum(x, w), got[w], 1e-5f, "warp " + w + " (input seed " + seed + ")");
            wrong += Math.abs(got[w] - EmulatorKernelTest.blockSum(x, w, 32)) <= 1e-4 ? 0 : 1;
        }
        assertTrue(wrong >= n / 32 - 1, "only " + wrong + " of " + n / 32 + " warps' sums are wrong (input seed "
                + seed + ")");
    }

    /**
     * What rcnn4j_emutest_warp_sum_wrong_lane computes for warp w on a GPU: lane 0 after shuffles down by 17, 9, 5,
     * 3 and 2 (off by one), each lane adding the value of the lane that far above it, or its own past the warp's end.
     */
    private static float wrongLaneSum(float[] x, int w) {
        float[] v = java.util.Arrays.copyOfRange(x, 32 * w, 32 * w + 32);
        for (int offset = 16; offset > 0; offset >>= 1) {
            float[] next = new float[32];
            for (int lane = 0; lane < 32; lane++) {
                int from = lane + offset + 1;
                next[lane] = v[lane] + (from < 32 ? v[from] : v[lane]);
            }
            v = next;
        }
        return v[0];
    }

    @Test
    void barrierInDivergentCodeFailsTheLaunch() {
        CUdeviceptr y = alloc(256 * 4L);
        int r = launch1d(function("rcnn4j_emutest_divergent_barrier"), 2, 64, Pointer.to(y));
        assertEquals(CUresult.CUDA_ERROR_LAUNCH_FAILED, r, () -> describe(r));
        String detail = describe(r);
        assertTrue(detail.contains("rcnn4j_emutest_divergent_barrier") && detail.contains("divergent __syncthreads"),
                detail);
        assertTrue(detail.contains("RCNN4J_EMU_SEED="), detail);
        free(y);
    }
    @Test
    void shuffleWithAnExitedLaneInTheMaskFailsTheLaunch() {
        CUdeviceptr y = alloc(32 * 4L);
        int r = launch1d(function("rcnn4j_emutest_shuffle_with_exited_lane"), 1, 32, Pointer.to(y));
        assertEquals(CUresult.CUDA_ERROR_LAUNCH_FAILED, r, () -> describe(r));
        assertTrue(describe(r).contains("lane 5"), describe(r));
        free(y);
    }

    @Test
    void trapFailsTheLaunchNamingTheThread() {
        int r = launch1d(function("rcnn4j_emutest_trap"), 4, 64, Pointer.to(new int[] {130}));
        assertEquals(CUresult.CUDA_ERROR_LAUNCH_FAILED, r, () -> describe(r));
        String detail = describe(r);
        assertTrue(detail.contains("block (2,0,0)") && detail.contains("thread (2,0,0)")
                && detail.contains("__trap()"), detail);
        ok(launch1d(function("rcnn4j_emutest_trap"), 4, 64, Pointer.to(new int[] {-1})), "no thread traps");
    }

    @Test
    void freshDeviceMemoryReadsAsNaNNotZero() {
        Assumptions.assumeFalse("0".equals(System.getenv("RCNN4J_EMU_POISON")),
                "RCNN4J_EMU_POISON=0 turns the poisoning of new allocations off");
        int n = 300;
        CUdeviceptr never = alloc(n * 4L);
        CUdeviceptr y = alloc(n * 4L);
        ok(launch1d(function("rcnn4j_emutest_copy"), 3, 128, Pointer.to(never), Pointer.to(new int[] {n}),
                Pointer.to(y)), "copy");
        for (float v : downloadFloats(y, n)) {
            assertTrue(Float.isNaN(v), "expected NaN, got " + v);
        }
        free(never, y);
    }
    @Test
    void writeBeforeTheStartFailsWithIllegalAddress() {
        int n = 500;
        CUdeviceptr dx = upload(randomFloats(random, n));
        CUdeviceptr dy = alloc(n * 4L);
        int r = launch1d(function("rcnn4j_emutest_write_before_start"), (n + 127) / 128, 128, Pointer.to(dx),
                Pointer.to(new int[] {n}), Pointer.to(dy));
        if (r == CUresult.CUDA_SUCCESS) {  // RCNN4J_EMU_CHECK=0: the next synchronize finds it
            r = EmuHarness.rc(JCudaDriver::cuCtxSynchronize);
        }
        int code = r;
        assertEquals(CUresult.CUDA_ERROR_ILLEGAL_ADDRESS, code, () -> describe(code));
        String detail = describe(code);
        assertTrue(detail.contains("before the start of device allocation") && detail.contains("rcnn4j_emutest_write_before_start"),
                detail);
        ok(EmuHarness.rc(JCudaDriver::cuCtxSynchronize), "the damage is reported once");
        free(dx, dy);
    }
}
