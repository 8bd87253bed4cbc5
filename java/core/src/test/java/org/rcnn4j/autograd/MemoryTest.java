package org.rcnn4j.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;

/** Scopes keep memory flat across training steps, and a throwing backward leaks nothing. */
class MemoryTest {
    private long liveBefore;

    @BeforeEach
    void countLive() {
        liveBefore = Live.tensors();
    }

    @AfterEach
    void nothingLeft() {
        org.junit.jupiter.api.Assertions.assertEquals(liveBefore, Live.tensors(), "autograd tensors left open");
    }

    private static final int STEPS = 100;

    /** Runs STEPS steps; after each records device bytes, device allocations and autograd's live tensors. */
    private static long[][] run(Backend backend, CudaDevice device) {
        long[][] rec = new long[STEPS][3];
        long[] heap = new long[2];
        try (TinyNet net = new TinyNet(backend); Sgd opt = new Sgd(net.params(), 0.05, 0.9, 1e-4)) {
            for (int i = 0; i < STEPS; i++) {
                net.step(opt);
                rec[i][0] = device == null ? 0 : device.bytesInUse();
                rec[i][1] = device == null ? 0 : device.liveAllocations();
                rec[i][2] = Live.tensors();
                if (i == 9 || i == STEPS - 1) {
                    heap[i == 9 ? 0 : 1] = usedHeapAfterGc();
                }
            }
        }
        long growth = heap[1] - heap[0];
        assertTrue(growth < 8L << 20, "host heap grew by " + growth + " bytes from step 10 to " + STEPS);
        return rec;
    }

    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private static void assertFlat(String what, long[][] rec) {
        for (int i = 1; i < STEPS; i++) {
            for (int k = 0; k < 3; k++) {
                assertEquals(rec[0][k], rec[i][k], what + ": " + new String[] {"device bytes in use",
                    "device allocations", "live autograd tensors"}[k] + " after step " + (i + 1) + " vs step 1");
            }
        }
    }

    @Test
    void hundredStepsFlatOnCpu() {
        long before = Live.tensors();
        long[][] rec = run(new CpuBackend(), null);
        assertFlat("cpu", rec);
        // params (6) + their grads (6) + momentum buffers (6) + the batch (3) stay between steps
        assertEquals(21, rec[0][2] - before);
        assertEquals(before, Live.tensors(), "all closed after the net and optimizer");
    }

    @Test
    void hundredStepsFlatOnCuda() {
        Backend cuda = CudaTestSupport.backend();
        CudaDevice d = CudaTestSupport.device();
        long bytes = d.bytesInUse();
        long live = Live.tensors();
        long[][] rec = run(cuda, d);
        assertFlat(cuda.name(), rec);
        assertTrue(rec[0][0] > bytes, "the net's parameters live on the device");
        d.synchronize();
        assertEquals(bytes, d.bytesInUse(), "device bytes after closing the net and the optimizer");
        assertEquals(live, Live.tensors());
    }

    /** loss = sum(boom(relu(conv(x)))) + sum(conv(x) * 2): boom's backward throws after the other branch ran. */
    private static void throwingBackward(Backend backend) {
        try (TinyNet net = new TinyNet(backend)) {
            long live = Live.tensors();
            try (Scope s = Scope.open()) {
                Var c = Nn.conv2d(net.images, net.convW, net.convB, Conv2dParams.of(1, 1, 1, 1));
                Var r = Ops.relu(c);
                Var boom = Autograd.record("boom", backend, backend.toDevice(copy(backend, r.value())), g -> {
                    throw new IllegalStateException("boom");
                }, new Var[] {r});
                Var loss = Ops.add(Ops.sum(boom), Ops.sum(Ops.mul(c, 2.0)));
                IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
                assertEquals("boom", e.getMessage());
            }
            for (Var p : net.params()) {
                p.zeroGrad();
            }
            assertEquals(live, Live.tensors(), "autograd tensors after a throwing backward");
        }
    }

    private static Tensor copy(Backend backend, Tensor t) {
        return backend.toHost(t);
    }

    @Test
    void throwingBackwardLeaksNothingOnCpu() {
        throwingBackward(new CpuBackend());
    }

    @Test
    void throwingBackwardLeaksNothingOnCuda() {
        Backend cuda = CudaTestSupport.backend();
        CudaTestSupport.assertNoLeak("throwing backward", () -> throwingBackward(cuda));
    }
}
