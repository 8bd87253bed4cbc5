package org.rcnn4j.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;

/** Scope ownership, keep/escape, noGrad, and the engine's rules. */
class ScopeTest {
    private final Backend cpu = new CpuBackend();

    private Var ones(Backend b, int n, boolean grad) {
        double[] d = new double[n];
        java.util.Arrays.fill(d, 1.5);
        Tensor t = b.toDevice(Tensor.ofDoubles(d, n));
        return grad ? Var.param(b, t) : Var.of(b, t);
    }

    @Test
    void scopeClosesWhatItCreatedAndKeepsWhatEscapes() {
        long live = Live.tensors();
        Var kept;
        Var dropped;
        Var viewKept;
        try (Scope outer = Scope.open()) {
            try (Scope inner = Scope.open()) {
                Var x = ones(cpu, 4, false);
                dropped = Ops.mul(x, 2.0);
                kept = inner.keep(Ops.add(x, x));
                viewKept = Scope.escape(Ops.reshape(Ops.sigmoid(x), 2, 2));
                assertEquals(2, inner.size(), "x and dropped stay; the kept, the view and its storage moved");
            }
            assertTrue(dropped.isClosed());
            assertFalse(kept.isClosed());
            assertEquals(3.0, kept.toHost().doubles()[0]);
            assertFalse(viewKept.isClosed());
            assertEquals(3, outer.size(), "kept Vars (and the storage a kept view needs) move to the outer scope");
        }
        assertTrue(kept.isClosed());
        assertEquals(live, Live.tensors());
        assertThrows(IllegalStateException.class, kept::value);
    }

    @Test
    void withoutScopeTheCallerOwns() {
        long live = Live.tensors();
        try (Scope s = Scope.open()) {
            Var x = ones(cpu, 3, false);
            Var y = s.keep(Ops.mul(x, 3.0));
            s.close();
            assertFalse(y.isClosed());
            assertNull(Scope.current());
            y.close();
        }
        assertEquals(live, Live.tensors());
    }

    @Test
    void scopesCloseInnermostFirst() {
        Scope a = Scope.open();
        Scope b = Scope.open();
        assertThrows(IllegalStateException.class, a::close);
        b.close();
        a.close();
        assertNull(Scope.current());
    }

    @Test
    void noGradRecordsNothing() {
        Var p = ones(cpu, 3, true);
        try (Scope s = Scope.open()) {
            try (Autograd.NoGrad ng = Autograd.noGrad()) {
                assertFalse(Autograd.isGradEnabled());
                Var y = Ops.sum(Ops.mul(p, p));
                assertFalse(y.requiresGrad());
                assertTrue(y.isLeaf());
                assertThrows(IllegalArgumentException.class, y::backward);
            }
            assertTrue(Autograd.isGradEnabled());
            Var y = Ops.sum(Ops.mul(p, p));
            assertTrue(y.requiresGrad());
            y.backward();
            assertEquals(3.0, p.grad().doubles()[0], 1e-12);
            assertThrows(IllegalStateException.class, y::backward, "the graph is freed after backward");
        } finally {
            p.close();
        }
    }

    @Test
    void gradientsAccumulateUntilZeroGrad() {
        Var p = ones(cpu, 2, true);
        try (Scope s = Scope.open()) {
            Ops.sum(Ops.mul(p, 2.0)).backward();
            Ops.sum(Ops.mul(p, 5.0)).backward();
            assertEquals(7.0, p.grad().doubles()[1], 1e-12);
            p.zeroGrad();
            assertNull(p.grad());
        } finally {
            p.close();
        }
    }

    @Test
    void badArgumentsNameTheArgument() {
        try (Scope s = Scope.open()) {
            Var a = ones(cpu, 3, false);
            Var b = ones(cpu, 4, false);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ops.add(a, b));
            assertTrue(e.getMessage().contains("shapes differ"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Ops.sum(a).backward());
            assertTrue(e.getMessage().contains("root"), e.getMessage());
            Var logits = Var.of(cpu, Tensor.ofDoubles(new double[6], 2, 3));
            Var t = Var.of(cpu, Tensor.ofLongs(new long[] {0, 3}, 2));
            e = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(logits, t));
            assertTrue(e.getMessage().contains("target 3"), e.getMessage());
            Var idx = Var.of(cpu, Tensor.ofLongs(new long[] {5}, 1));
            e = assertThrows(IllegalArgumentException.class, () -> Ops.indexSelect(a, idx));
            assertTrue(e.getMessage().contains("index"), e.getMessage());
        }
    }

    @Test
    void cudaScopeReturnsDeviceMemory() {
        Backend cuda = CudaTestSupport.backend();
        CudaDevice d = CudaTestSupport.device();
        long bytes = d.bytesInUse();
        Var kept;
        try (Scope s = Scope.open()) {
            Var x = ones(cuda, 64, true);
            kept = s.keep(Ops.relu(Ops.mul(x, 2.0)));
            Ops.sum(kept).backward();
            assertSame(cuda, kept.backend());
            assertTrue(d.bytesInUse() > bytes);
        }
        assertEquals(3.0, kept.toHost().doubles()[7]);
        kept.close();
        d.synchronize();
        assertEquals(bytes, d.bytesInUse());
    }
}
