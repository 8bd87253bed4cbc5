package org.rcnn4j.backend;

import org.rcnn4j.tensor.Tensor;

/**
 * One step of training batch norm's per-channel bookkeeping ({@link Channels#batchNormMean},
 * {@link Channels#batchNormCoefficients}), kept on the backend: {@code state} the values later steps need in
 * double (F64 [k, C]), {@code values} those the tensor ops take, rounded to the input's dtype ([m, C]). Owned by
 * the caller; {@link #close} frees both.
 */
public record BatchNormStats(Tensor state, Tensor values) implements AutoCloseable {
    @Override
    public void close() {
        state.close();
        values.close();
    }
}
