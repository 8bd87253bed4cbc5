package org.rcnn4j.detection.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rcnn4j.testing.ArgumentAssert.assertMessageNames;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.nn.Parameter;
import org.rcnn4j.nn.functional.TensorMath;
import org.rcnn4j.testing.RandomTensors;

/** {@link SmallBackbone#trainableStages}: which parameters learn, and that the frozen ones get no gradient. */
class SmallBackboneTrainableStagesTest {

    @Test
    void freezesTheFirstStagesOnly() {
        for (int trainable = 0; trainable <= 4; trainable++) {
            SmallBackbone b = new SmallBackbone(16).trainableStages(trainable);
            for (Map.Entry<String, Parameter> e : b.namedParameters().entrySet()) {
                String name = e.getKey();
                boolean learns = !name.startsWith("body.") || Integer.parseInt(name.substring(10, 11)) > 4 - trainable;
                assertEquals(learns, e.getValue().requiresGrad(), "trainable " + trainable + ": " + name);
            }
        }
    }

    /** Frozen while bound, as the demo does after pretraining: no gradient reaches stage 1; thawed, it does again. */
    @Test
    void frozenStagesGetNoGradient() {
        SmallBackbone b = new SmallBackbone(16);
        b.initialize(3);
        try (CpuBackend cpu = new CpuBackend()) {
            b.to(cpu);
            b.trainableStages(3);
            backward(cpu, b);
            assertTrue(b.trainableVars().keySet().stream().noneMatch(k -> k.startsWith("body.stage1.")));
            b.namedParameters().forEach((name, p) -> {
                if (name.startsWith("body.stage1.")) {
                    assertNull(p.var().grad(), name + " is frozen but got a gradient");
                } else if (name.startsWith("body.stage2.0.")) {
                    assertNotNull(p.var().grad(), name + " learns but got no gradient");
                }
            });
            b.trainableStages(4);
            backward(cpu, b);
            assertTrue(b.trainableVars().keySet().stream().anyMatch(k -> k.startsWith("body.stage1.")));
            b.namedParameters().forEach((name, p) -> {
                if (name.startsWith("body.stage1.")) {
                    assertNotNull(p.var().grad(), name + " is thawed but got no gradient");
                }
            });
            b.release();
        }
    }

    private static void backward(CpuBackend cpu, SmallBackbone b) {
        RandomTensors rnd = new RandomTensors();
        try (Scope ignored = Scope.open()) {
            Var images = Var.of(cpu, rnd.normal(2, 3, 32, 32));
            Var loss = null;
            for (Var map : b.forward(images).values()) {
                Var s = TensorMath.sum(map);
                loss = loss == null ? s : TensorMath.add(loss, s);
            }
            loss.backward();
        }
    }

    @Test
    void badCountNamesTheArgument() {
        SmallBackbone b = new SmallBackbone(16);
        assertMessageNames("trainable stages: expected 0..4, got 5", () -> b.trainableStages(5));
        assertMessageNames("trainable stages: expected 0..4, got -1", () -> b.trainableStages(-1));
    }
}
