package org.rcnn4j.backend;

import org.rcnn4j.tensor.Tensor;

/**
 * A data-dependent selection left on the backend: {@code indices} I64 [capacity], the selected indices first and
 * -1 after them, and {@code count} I32 [1], how many are selected. Nothing is read back to make it; read the
 * count (with others, in one {@link Backend#toHost(java.util.List)}) only where a size must be known on the host.
 */
public record Selection(Tensor indices, Tensor count) implements AutoCloseable {
    @Override
    public void close() {
        indices.close();
        count.close();
    }
}
