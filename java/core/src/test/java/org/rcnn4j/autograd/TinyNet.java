package org.rcnn4j.autograd;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.tensor.Tensor;

/**
 * A tiny detector-shaped network for training tests: conv3x3(1->4)+ReLU, max_pool 2, flatten, then a class head
 * (linear -> cross_entropy) and a box head (linear -> smooth_l1 beta 1/9), on a fixed batch of 4 images 8x8.
 * Parameters and the batch are F32 with seeded values, created (outside any scope) on the given backend.
 */
final class TinyNet implements AutoCloseable {
    final Backend backend;
    final Var convW;
    final Var convB;
    final Var clsW;
    final Var clsB;
    final Var boxW;
    final Var boxB;
    final Var images;
    final Var labels;
    final Var boxTargets;

    TinyNet(Backend backend) {
        this.backend = backend;
        Random r = new Random(1234);
        convW = Var.param(backend, upload(r, 0.3, 4, 1, 3, 3));
        convB = Var.param(backend, upload(r, 0.1, 4));
        clsW = Var.param(backend, upload(r, 0.1, 3, 64));
        clsB = Var.param(backend, upload(r, 0.1, 3));
        boxW = Var.param(backend, upload(r, 0.1, 4, 64));
        boxB = Var.param(backend, upload(r, 0.1, 4));
        images = Var.of(backend, upload(r, 1.0, 4, 1, 8, 8));
        labels = Var.of(backend, backend.toDevice(Tensor.ofLongs(new long[] {0, 2, 1, 2}, 4)));
        boxTargets = Var.of(backend, upload(r, 0.5, 4, 4));
    }

    private Tensor upload(Random r, double scale, int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) (r.nextGaussian() * scale);
        }
        return backend.toDevice(Tensor.ofFloats(f, shape));
    }

    List<Var> params() {
        return new ArrayList<>(List.of(convW, convB, clsW, clsB, boxW, boxB));
    }

    Var loss() {
        Var h = Ops.relu(Nn.conv2d(images, convW, convB, Conv2dParams.of(1, 1, 1, 1)));
        Var f = Ops.flatten(Nn.maxPool2d(h, 2, 2, 0), 1);
        Var cls = Losses.crossEntropy(Nn.linear(f, clsW, clsB), labels);
        Var box = Losses.smoothL1(Nn.linear(f, boxW, boxB), boxTargets, 1.0 / 9, Reduction.MEAN);
        return Ops.add(cls, box);
    }

    /** One SGD step in its own scope; returns the loss before the step. */
    double step(Sgd opt) {
        try (Scope s = Scope.open()) {
            opt.zeroGrad();
            Var loss = loss();
            loss.backward();
            opt.step();
            return loss.item();
        }
    }

    @Override
    public void close() {
        for (Var v : params()) {
            v.close();
        }
        images.close();
        labels.close();
        boxTargets.close();
    }
}
