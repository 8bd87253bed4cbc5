package org.rcnn4j.cli;

import java.util.List;
import org.rcnn4j.backend.AvgPool;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Boxes;
import org.rcnn4j.backend.Channels;
import org.rcnn4j.backend.Conv;
import org.rcnn4j.backend.Convert;
import org.rcnn4j.backend.DeviceStats;
import org.rcnn4j.backend.Elementwise;
import org.rcnn4j.backend.Gather;
import org.rcnn4j.backend.Linalg;
import org.rcnn4j.backend.Losses;
import org.rcnn4j.backend.MaskTargets;
import org.rcnn4j.backend.MaxPool;
import org.rcnn4j.backend.Reduce;
import org.rcnn4j.backend.Roi;
import org.rcnn4j.backend.Select;
import org.rcnn4j.tensor.Tensor;

/**
 * The shared test backend handed to a command, which closes the backend it opened when it ends: here that close
 * does nothing, so that the test can still check afterwards, on the backend's counts, that the command freed
 * every tensor it made (a real close would free them and hide a leak).
 */
final class KeptOpenBackend implements Backend {
    private final Backend backend;

    KeptOpenBackend(Backend backend) {
        this.backend = backend;
    }

    @Override
    public void close() {
        // the test's backend outlives the command
    }

    @Override
    public String name() {
        return backend.name();
    }

    @Override
    public Tensor toDevice(Tensor host) {
        return backend.toDevice(host);
    }

    @Override
    public Tensor toHost(Tensor tensor) {
        return backend.toHost(tensor);
    }

    @Override
    public List<Tensor> toHost(List<Tensor> tensors) {
        return backend.toHost(tensors);
    }

    @Override
    public void synchronize() {
        backend.synchronize();
    }

    @Override
    public String describe() {
        return backend.describe();
    }

    @Override
    public double elapsedMillis(Runnable work) {
        return backend.elapsedMillis(work);
    }

    @Override
    public DeviceStats stats() {
        return backend.stats();
    }

    @Override
    public boolean awaitWarmUp(java.time.Duration timeout) {
        return backend.awaitWarmUp(timeout);
    }

    @Override
    public Boxes boxes() {
        return backend.boxes();
    }

    @Override
    public Roi roi() {
        return backend.roi();
    }

    @Override
    public Conv conv() {
        return backend.conv();
    }

    @Override
    public Channels channels() {
        return backend.channels();
    }

    @Override
    public Linalg linalg() {
        return backend.linalg();
    }

    @Override
    public Elementwise elementwise() {
        return backend.elementwise();
    }

    @Override
    public Reduce reduce() {
        return backend.reduce();
    }

    @Override
    public Gather gather() {
        return backend.gather();
    }

    @Override
    public Losses losses() {
        return backend.losses();
    }

    @Override
    public MaxPool maxPool() {
        return backend.maxPool();
    }

    @Override
    public AvgPool avgPool() {
        return backend.avgPool();
    }

    @Override
    public MaskTargets maskTargets() {
        return backend.maskTargets();
    }

    @Override
    public Convert convert() {
        return backend.convert();
    }

    @Override
    public Select select() {
        return backend.select();
    }
}
