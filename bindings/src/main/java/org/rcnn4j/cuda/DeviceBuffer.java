package org.rcnn4j.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * A region of device memory. The owner closes it exactly once; {@link #view()} gives a non-owning alias
 * (closing a view does nothing).
 *
 * <p>SKELETON: the device-layer work fills in the caching allocator behind this API.
 */
public interface DeviceBuffer extends AutoCloseable {
    /** The device address (JCuda pointer) of the first byte. */
    CUdeviceptr pointer();

    /** Usable bytes. */
    long byteSize();

    /** A non-owning alias of the same memory. */
    DeviceBuffer view();

    /** Returns the memory to its allocator (owner) or does nothing (view). Idempotent. */
    @Override
    void close();
}
