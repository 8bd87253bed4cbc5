package org.rcnn4j.tensor;

/** Element types rcnn4j tensors hold; names are the safetensors dtype names. */
public enum DType {
    F32(4), F64(8), I64(8), I32(4), U8(1);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    public boolean isFloating() {
        return this == F32 || this == F64;
    }

    public boolean isInteger() {
        return this == I64 || this == I32 || this == U8;
    }

    /** The safetensors name, e.g. "F32". */
    public String safetensorsName() {
        return name();
    }
}
