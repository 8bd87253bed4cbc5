package org.rcnn4j.cli;

import org.rcnn4j.tensor.DType;

/**
 * One tensor an op reads or writes: its name (torchvision's argument name), its shape pattern (see
 * {@link ShapeBinder}), the dtypes it may hold, whether it may be left out, and which value checks apply.
 */
record TensorSpec(String name, String shape, Kind kind, boolean optional, Values values, String doc) {

    /** Element types an input may hold. */
    enum Kind {
        FLOAT("F32 (F64 where the backend takes it)", DType.F32, DType.F64),
        INDEX("I64 or I32", DType.I64, DType.I32),
        OUT_FLOAT("F32 (F64 for F64 inputs)"),
        OUT_INDEX("I64");

        final String describe;
        final DType[] allowed;

        Kind(String describe, DType... allowed) {
            this.describe = describe;
            this.allowed = allowed;
        }
    }

    /** Element-level checks made on host inputs before an op runs. */
    enum Values {
        /** Anything. */
        ANY,
        /** Rows (x1, y1, x2, y2): finite, x1 &le; x2 and y1 &le; y2. */
        BOXES,
        /** Rows (batch index, x1, y1, x2, y2): a box as above and an integral batch index in [0, N). */
        ROIS
    }

    static TensorSpec in(String name, String shape, Kind kind, Values values, String doc) {
        return new TensorSpec(name, shape, kind, false, values, doc);
    }

    static TensorSpec optional(String name, String shape, Kind kind, String doc) {
        return new TensorSpec(name, shape, kind, true, Values.ANY, doc);
    }

    static TensorSpec out(String name, String shape, Kind kind, String doc) {
        return new TensorSpec(name, shape, kind, false, Values.ANY, doc);
    }
}
