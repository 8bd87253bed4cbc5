package org.rcnn4j.io.torch;


/** torch's typed storage classes (torch.FloatStorage, ...): element size and the rcnn4j dtype they load as. */
public enum StorageType {
    FLOAT("FloatStorage", 4),
    DOUBLE("DoubleStorage", 8),
    HALF("HalfStorage", 2),
    BFLOAT16("BFloat16Storage", 2),
    LONG("LongStorage", 8),
    INT("IntStorage", 4),
    SHORT("ShortStorage", 2),
    CHAR("CharStorage", 1),
    BYTE("ByteStorage", 1),
    BOOL("BoolStorage", 1);

    private final String className;
    private final int elementSize;

    StorageType(String className, int elementSize) {
        this.className = className;
        this.elementSize = elementSize;
    }

    /** The class name in module torch, e.g. "FloatStorage". */
    public String className() {
        return className;
    }

    public int elementSize() {
        return elementSize;
    }

    /** The storage type named {@code torch.<name>}, or null. */
    static StorageType byClassName(String name) {
        for (StorageType t : values()) {
            if (t.className.equals(name)) {
                return t;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "torch." + className;
    }

}
