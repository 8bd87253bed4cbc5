package org.rcnn4j.autograd;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.nn.functional.TensorMath;
import org.rcnn4j.testing.RandomTensors;

/** requires_grad_ on a parameter's leaf: graphs recorded after the change follow it; other Vars cannot change. */
class LeafRequiresGradTest {
    @Test
    void aParameterFreezesAndThaws() {
        RandomTensors rnd = new RandomTensors(2);
        try (CpuBackend cpu = new CpuBackend(); Var w = Var.persistent(cpu, rnd.normal(3, 4), true)) {
            w.requiresGrad(false);
            assertFalse(w.requiresGrad());
            try (Scope s = Scope.open()) {
                Var x = Var.of(cpu, rnd.normal(3, 4));
                Var loss = TensorMath.sum(TensorMath.mul(w, x));
                assertFalse(loss.requiresGrad(), "a graph of frozen leaves and constants needs no gradient");
            }
            assertNull(w.grad());
            w.requiresGrad(true);
            try (Scope s = Scope.open()) {
                Var x = Var.of(cpu, rnd.normal(3, 4));
                TensorMath.sum(TensorMath.mul(w, x)).backward();
            }
            assertNotNull(w.grad());
            assertTrue(w.requiresGrad());
        }
    }

    @Test
    void onlyAParametersLeafChanges() {
        RandomTensors rnd = new RandomTensors(3);
        try (CpuBackend cpu = new CpuBackend(); Scope s = Scope.open()) {
            Var scoped = Var.param(cpu, rnd.normal(2));
            Var made = TensorMath.sum(scoped);
            IllegalStateException a = assertThrows(IllegalStateException.class, () -> scoped.requiresGrad(false));
            assertTrue(a.getMessage().startsWith("requiresGrad: "), a.getMessage());
            assertThrows(IllegalStateException.class, () -> made.requiresGrad(false));
            assertThrows(IllegalStateException.class, () -> Var.of(cpu, rnd.normal(2)).requiresGrad(true));
        }
    }
}
