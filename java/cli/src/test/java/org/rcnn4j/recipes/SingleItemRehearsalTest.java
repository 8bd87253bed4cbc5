package org.rcnn4j.recipes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Backends;
import org.rcnn4j.detection.GeneralizedRcnn;
import org.rcnn4j.detection.ModelOptions;
import org.rcnn4j.detection.Models;
import org.rcnn4j.detection.backbone.SmallBackbone;
import org.rcnn4j.nn.BatchNorm2d;
import org.rcnn4j.train.TrainRng;

class SingleItemRehearsalTest {
    private static SingleItemRehearsal rehearsal(GeneralizedRcnn model, Backend backend, double weight) {
        return new SingleItemRehearsal((SmallBackbone) model.backbone(), model.roiHeads(), backend, 16, 4, weight, 1);
    }

    /** maskrcnn_small initialized from {@code seed}, bound to {@code backend}, in training mode. */
    private static GeneralizedRcnn trainingModel(Backend backend, long seed) {
        GeneralizedRcnn model = Models.maskrcnnSmall(ModelOptions.defaults());
        model.initialize(seed).to(backend);
        model.train(true);
        return model;
    }

    private static double loss(SingleItemRehearsal r, Backend backend, long step) {
        try (Scope s = Scope.open()) {
            Map<String, Var> l = r.losses(step, new TrainRng(5));
            assertEquals(java.util.List.of(SingleItemRehearsal.LOSS), java.util.List.copyOf(l.keySet()));
            return backend.toHost(l.get(SingleItemRehearsal.LOSS).value()).getDouble(0);
        }
    }

    @Test
    void trainsTheBoxClassifierAndLeavesTheRunningStatisticsToTheDetector() {
        try (Backend backend = Backends.create("cpu")) {
            GeneralizedRcnn model = trainingModel(backend, 2);
            Map<String, float[]> running = runningStats(model);
            try (Scope s = Scope.open()) {
                Var loss = rehearsal(model, backend, 0.25).losses(0, new TrainRng(5)).get(SingleItemRehearsal.LOSS);
                double v = backend.toHost(loss.value()).getDouble(0);
                assertTrue(Double.isFinite(v) && v > 0, "loss " + v);
                loss.backward();
            }
            model.trainableVars().forEach((k, var) -> {
                boolean reached = k.startsWith("roi_heads.box_head.")
                        || k.startsWith("roi_heads.box_predictor.cls_score.") || k.startsWith("backbone.body.");
                if (reached) {
                    assertNotNull(var.grad(), k + " gets a gradient");
                } else if (k.startsWith("roi_heads.mask") || k.startsWith("rpn.")
                        || k.startsWith("roi_heads.box_predictor.bbox_pred.")) {
                    assertTrue(var.grad() == null || isZero(backend.toHost(var.grad()).floats()), k + " gets none");
                }
            });
            Map<String, float[]> after = runningStats(model);
            running.forEach((k, v) -> assertArrayEquals(v, after.get(k), k + " unchanged"));
            ((SmallBackbone) model.backbone()).namedModules().values().stream().filter(BatchNorm2d.class::isInstance)
                    .forEach(m -> assertTrue(((BatchNorm2d) m).trackRunningStats(), "tracking restored"));
            model.release();
        }
    }

    @Test
    void theStepAloneDecidesTheScenesAndTheWeightScalesTheLoss() {
        try (Backend backend = Backends.create("cpu")) {
            GeneralizedRcnn model = trainingModel(backend, 3);
            SingleItemRehearsal quarter = rehearsal(model, backend, 0.25);
            double step3 = loss(quarter, backend, 3);
            loss(quarter, backend, 0);
            assertEquals(step3, loss(quarter, backend, 3), 0.0, "step 3 again, after another step");
            assertNotEquals(step3, loss(quarter, backend, 4));
            assertEquals(2 * step3, loss(rehearsal(model, backend, 0.5), backend, 3), 1e-6 * step3);
            model.release();
        }
    }

    @Test
    void rejectsAnEmptyBatchAndABadWeight() {
        try (Backend backend = Backends.create("cpu")) {
            GeneralizedRcnn model = trainingModel(backend, 1);
            SmallBackbone b = (SmallBackbone) model.backbone();
            assertTrue(assertThrows(IllegalArgumentException.class, () -> new SingleItemRehearsal(b,
                    model.roiHeads(), backend, 16, 0, 0.25, 0)).getMessage().contains("batch"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> new SingleItemRehearsal(b,
                    model.roiHeads(), backend, 16, 4, Double.NaN, 0)).getMessage().contains("weight"));
            model.release();
        }
    }

    private static boolean isZero(float[] v) {
        for (float x : v) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, float[]> runningStats(GeneralizedRcnn model) {
        Map<String, float[]> out = new TreeMap<>();
        ((SmallBackbone) model.backbone()).namedBuffers().forEach((k, b) -> {
            if (k.contains("running_")) {
                out.put(k, b.var().value().floats().clone());
            }
        });
        return out;
    }
}
