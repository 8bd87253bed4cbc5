package org.rcnn4j.cuda;

import jcuda.driver.CUdeviceptr;

/** A non-owning window into another buffer; it checks the owner is still open on every use. */
final class BufferView implements DeviceBuffer {
    private final DeviceBuffer parent;
    private final long offset;
    private final long size;

    BufferView(DeviceBuffer parent, long offset, long size) {
        if (offset < 0 || size < 0 || offset > parent.byteSize() - size) {
            throw new IllegalArgumentException("slice [" + offset + ", " + offset + "+" + size
                    + ") lies outside a device buffer of " + parent.byteSize() + " bytes");
        }
        this.parent = parent;
        this.offset = offset;
        this.size = size;
    }

    @Override
    public CUdeviceptr pointer() {
        CUdeviceptr base = parent.pointer();
        return offset == 0 ? base : base.withByteOffset(offset);
    }

    @Override
    public long byteSize() {
        return size;
    }

    @Override
    public DeviceBuffer slice(long byteOffset, long byteSize) {
        if (byteOffset < 0 || byteSize < 0 || byteOffset > size - byteSize) {
            throw new IllegalArgumentException("slice [" + byteOffset + ", " + byteOffset + "+" + byteSize
                    + ") lies outside a device buffer view of " + size + " bytes");
        }
        return new BufferView(parent, offset + byteOffset, byteSize);
    }

    @Override
    public void close() {
        // a view owns nothing
    }

    @Override
    public String toString() {
        return "DeviceBuffer view of " + size + " bytes at +" + offset + " of " + parent;
    }
}
