package org.rcnn4j.backend.cuda;

import org.rcnn4j.backend.Losses;
import org.rcnn4j.backend.OpChecks;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.kernels.LossesKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * The losses on device F32 tensors (cuda/losses.cu): each forward gives a 0-dim device tensor, each backward
 * reads the upstream gradient g (a one-element device tensor) on the device. Results are fresh device tensors; a
 * gradient that is not wanted is not computed (null). Other operands take the CPU family on host copies.
 */
final class LossesCuda implements Losses {
    private final CudaDevice device;
    private final Losses host;
    private final DeferredChecks checks;

    LossesCuda(CudaDevice device, Losses host, DeferredChecks checks) {
        this.device = device;
        this.host = host;
        this.checks = checks;
    }

    private Tensor scalar(DeviceF32.Launch launch) {
        return DeviceF32.run(device, DType.F32, new int[0], launch);
    }

    private interface PairBackward {
        void run(DeviceBuffer gx, DeviceBuffer gy);
    }

    /** The gradients of both operands of shape {@code like}, either left null when not wanted. */
    private Tensor[] pair(Tensor like, boolean wantX, boolean wantY, PairBackward launch) {
        Tensor[] r = new Tensor[2];
        if (!wantX && !wantY) {
            return r;
        }
        try {
            r[0] = wantX ? Transfers.empty(device, DType.F32, like.shape()) : null;
            r[1] = wantY ? Transfers.empty(device, DType.F32, like.shape()) : null;
            launch.run(r[0] == null ? null : r[0].deviceBuffer(), r[1] == null ? null : r[1].deviceBuffer());
            return r;
        } catch (RuntimeException e) {
            for (Tensor t : r) {
                if (t != null) {
                    t.close();
                }
            }
            throw e;
        }
    }

    /** scale * sum of smooth_l1(x - y, beta) (scale 1: sum, 1/numel: mean). */
    @Override
    public Tensor smoothL1(Tensor x, Tensor y, double beta, double scale) {
        OpChecks.floatingPair("input", x, "target", y);
        if (!DeviceF32.all(x, y)) {
            return HostFallback.run(device, h -> host.smoothL1(h[0], h[1], beta, scale), x, y);
        }
        return scalar((d, o) -> LossesKernels.smoothL1(d, x.deviceBuffer(), y.deviceBuffer(), x.numel(), beta,
                scale, o.deviceBuffer()));
    }

    /** {d x, d y} of {@link #smoothL1} for upstream gradient g; an unwanted one is null. */
    @Override
    public Tensor[] smoothL1Backward(Tensor x, Tensor y, double beta, double scale, Tensor g, boolean wantX,
            boolean wantY) {
        OpChecks.floatingPair("input", x, "target", y);
        if (!DeviceF32.all(x, y, g)) {
            return HostFallback.uploadAll(device, host.smoothL1Backward(HostFallback.download(device, x)[0],
                    HostFallback.download(device, y)[0], beta, scale, HostFallback.download(device, g)[0], wantX,
                    wantY));
        }
        return pair(x, wantX, wantY, (gx, gy) -> LossesKernels.smoothL1Backward(device,
                x.deviceBuffer(), y.deviceBuffer(), x.numel(), beta, g.deviceBuffer(), scale, gx, gy));
    }

    /** The mean of binary_cross_entropy_with_logits(x, y). */
    @Override
    public Tensor bceWithLogits(Tensor x, Tensor y) {
        OpChecks.floatingPair("input", x, "target", y);
        if (!DeviceF32.all(x, y)) {
            return HostFallback.run(device, h -> host.bceWithLogits(h[0], h[1]), x, y);
        }
        return scalar((d, o) -> LossesKernels.bceWithLogits(d, x.deviceBuffer(), y.deviceBuffer(), x.numel(),
                1.0 / x.numel(), o.deviceBuffer()));
    }

    /** {d x, d y} of {@link #bceWithLogits} for upstream gradient g; an unwanted one is null. */
    @Override
    public Tensor[] bceWithLogitsBackward(Tensor x, Tensor y, Tensor g, boolean wantX, boolean wantY) {
        OpChecks.floatingPair("input", x, "target", y);
        if (!DeviceF32.all(x, y, g)) {
            Tensor[] h = HostFallback.download(device, x, y, g);
            return HostFallback.uploadAll(device, host.bceWithLogitsBackward(h[0], h[1], h[2], wantX, wantY));
        }
        return pair(x, wantX, wantY, (gx, gy) -> LossesKernels.bceWithLogitsBackward(device,
                x.deviceBuffer(), y.deviceBuffer(), x.numel(), g.deviceBuffer(), 1.0 / x.numel(), gx, gy));
    }

    /**
     * saved: F64 [rows + 1] on the device, each row's log-sum-exp, then 1 / counted rows. Device I64 targets are
     * checked on the device, and a bad one fails at the host's next synchronization with the host check's
     * exception ({@link DeferredChecks}); other targets are read back, checked here and uploaded as
     * I64.
     */
    @Override
    public CrossEntropy crossEntropy(Tensor x, Tensor target, long ignoreIndex) {
        OpChecks.floating("input", x);
        OpChecks.dims("input", x, 2, "[N,C]");
        OpChecks.vector("target", target, x.size(0));
        OpChecks.index("target", target);
        if (!DeviceF32.all(x)) {
            Tensor[] h = HostFallback.download(device, x, target);
            CrossEntropy r = host.crossEntropy(h[0], h[1], ignoreIndex);
            return new CrossEntropy(HostFallback.upload(device, r.loss()), r.saved());
        }
        int rows = x.shape()[0];
        int classes = x.shape()[1];
        if (target.isDevice() && target.dtype() == DType.I64) {
            // checked on the device: a bad target fails at the next synchronization with the host check's message
            // (the kernel counts its row as NaN meanwhile)
            checks.indexRangeQuoting(target, classes, ignoreIndex, (at, v) -> new IllegalArgumentException(
                    "cross_entropy: target " + v + " out of range for " + classes + " classes"));
            return deviceCrossEntropy(x, target, rows, classes, ignoreIndex);
        }
        long[] t = HostFallback.longs(Transfers.toHost(device, target));
        for (long v : t) {
            if (v != ignoreIndex && (v < 0 || v >= classes)) {
                throw new IllegalArgumentException("cross_entropy: target " + v + " out of range for " + classes
                        + " classes");
            }
        }
        try (Tensor up = uploadTargets(t)) {
            return deviceCrossEntropy(x, up, rows, classes, ignoreIndex);
        }
    }

    /** The loss and what its backward needs, from device I64 targets. */
    private CrossEntropy deviceCrossEntropy(Tensor x, Tensor dt, int rows, int classes, long ignoreIndex) {
        Tensor stats = Transfers.empty(device, DType.F64, rows + 1);
        try {
            DeviceBuffer s = stats.deviceBuffer();
            Tensor loss = scalar((d, o) -> LossesKernels.crossEntropy(d, x.deviceBuffer(), dt.deviceBuffer(),
                    rows, classes, ignoreIndex, o.deviceBuffer(), s.slice(0, 8L * rows), s.slice(8L * rows, 8)));
            return new CrossEntropy(loss, stats);
        } catch (RuntimeException e) {
            stats.close();
            throw e;
        }
    }

    /** Targets that are not device I64 already, uploaded as I64 (owned by the caller). */
    private Tensor uploadTargets(long[] values) {
        return Transfers.toDevice(device, Tensor.ofLongs(values, values.length));
    }

    @Override
    public Tensor crossEntropyBackward(Tensor x, Tensor target, long ignoreIndex, Tensor saved, Tensor g) {
        OpChecks.floating("input", x);
        OpChecks.dims("input", x, 2, "[N,C]");
        OpChecks.vector("target", target, x.size(0));
        if (!DeviceF32.all(x, g) || !saved.isDevice()) {
            Tensor[] h = HostFallback.download(device, x, target, saved, g);
            return HostFallback.upload(device, host.crossEntropyBackward(h[0], h[1], ignoreIndex, h[2], h[3]));
        }
        int rows = x.shape()[0];
        DeviceBuffer s = saved.deviceBuffer();
        try (Tensor up = target.isDevice() && target.dtype() == DType.I64 ? null
                : uploadTargets(HostFallback.longs(Transfers.toHost(device, target)))) {
            Tensor t = up == null ? target : up;
            return DeviceF32.run(device, DType.F32, x.shape(), (d, gx) -> LossesKernels.crossEntropyBackward(d,
                    x.deviceBuffer(), t.deviceBuffer(), rows, x.shape()[1], ignoreIndex, s.slice(0, 8L * rows),
                    g.deviceBuffer(), s.slice(8L * rows, 8), gx.deviceBuffer()));
        }
    }
}
