package org.rcnn4j.testing;

import org.rcnn4j.autograd.Autograd;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.nn.Block;
import org.rcnn4j.tensor.Tensor;

/**
 * A test's inference region: binds a module to a backend, records no graph, and on close frees every Var made
 * inside and releases the module.
 */
public final class Inference implements AutoCloseable {
    private final Backend backend;
    private final Block module;
    private final Autograd.NoGrad noGrad;
    private final Scope scope;

    private Inference(Backend backend, Block module) {
        this.backend = backend;
        this.module = module;
        module.to(backend);
        this.noGrad = Autograd.noGrad();
        this.scope = Scope.open();
    }

    public static Inference on(Backend backend, Block module) {
        return new Inference(backend, module);
    }

    /** A host tensor as an input Var on the backend. */
    public Var input(Tensor host) {
        return Var.fromHost(backend, host);
    }

    @Override
    public void close() {
        scope.close();
        noGrad.close();
        module.release();
    }
}
