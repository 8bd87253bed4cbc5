package org.rcnn4j.tensor;

import java.util.Arrays;
import org.rcnn4j.cuda.DeviceBuffer;

/**
 * A dense, row-major (NCHW for images) tensor, either on the host (backed by a Java array) or on a CUDA device
 * (backed by a {@link DeviceBuffer}). Host tensors expose their backing array without copying: ops write into
 * fresh tensors and never alias their inputs.
 *
 * <p>A device tensor owns its buffer: {@link #close()} returns it to the allocator. Closing a host tensor does
 * nothing, so code can close every tensor it creates without asking where it lives.
 */
public final class Tensor implements AutoCloseable {
    private final DType dtype;
    private final int[] shape;
    private final Object host;
    private final DeviceBuffer device;

    private Tensor(DType dtype, int[] shape, Object host, DeviceBuffer device) {
        this.dtype = dtype;
        this.shape = shape.clone();
        this.host = host;
        this.device = device;
    }

    // ---- host factories -------------------------------------------------------------------------------------

    public static Tensor ofFloats(float[] data, int... shape) {
        return host(DType.F32, data, data.length, shape);
    }

    public static Tensor ofDoubles(double[] data, int... shape) {
        return host(DType.F64, data, data.length, shape);
    }

    public static Tensor ofLongs(long[] data, int... shape) {
        return host(DType.I64, data, data.length, shape);
    }

    public static Tensor ofInts(int[] data, int... shape) {
        return host(DType.I32, data, data.length, shape);
    }

    public static Tensor ofBytes(byte[] data, int... shape) {
        return host(DType.U8, data, data.length, shape);
    }

    /** A zero-filled host tensor. */
    public static Tensor zeros(DType dtype, int... shape) {
        int n = Shapes.numel(shape);
        Object data = switch (dtype) {
            case F32 -> new float[n];
            case F64 -> new double[n];
            case I64 -> new long[n];
            case I32 -> new int[n];
            case U8 -> new byte[n];
        };
        return new Tensor(dtype, shape, data, null);
    }

    /** A device tensor owning {@code buffer}, which must hold at least numel(shape) elements. */
    public static Tensor onDevice(DType dtype, DeviceBuffer buffer, int... shape) {
        long need = (long) Shapes.numel(shape) * dtype.bytes();
        if (buffer.byteSize() < need) {
            throw new IllegalArgumentException("device buffer of " + buffer.byteSize() + " bytes is smaller than the "
                    + need + " bytes of a " + dtype + " tensor of shape " + Shapes.format(shape));
        }
        return new Tensor(dtype, shape, null, buffer);
    }

    private static Tensor host(DType dtype, Object data, int length, int[] shape) {
        int n = Shapes.numel(shape);
        if (n != length) {
            throw new IllegalArgumentException("data has " + length + " elements but shape " + Shapes.format(shape)
                    + " needs " + n);
        }
        return new Tensor(dtype, shape, data, null);
    }

    // ---- shape ----------------------------------------------------------------------------------------------

    public DType dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int dim() {
        return shape.length;
    }

    /** Extent of dimension {@code d}; negative d counts from the end. */
    public int size(int d) {
        return shape[d < 0 ? shape.length + d : d];
    }

    public int numel() {
        return Shapes.numel(shape);
    }

    /** A view with another shape over the same storage (host array or device buffer; not owning it twice). */
    public Tensor reshape(int... newShape) {
        if (Shapes.numel(newShape) != numel()) {
            throw new IllegalArgumentException("cannot reshape " + Shapes.format(shape) + " to "
                    + Shapes.format(newShape));
        }
        return new Tensor(dtype, newShape, host, device == null ? null : device.view());
    }

    // ---- storage --------------------------------------------------------------------------------------------

    public boolean isHost() {
        return host != null;
    }

    public boolean isDevice() {
        return device != null;
    }

    public DeviceBuffer deviceBuffer() {
        if (device == null) {
            throw new IllegalStateException("tensor " + this + " is on the host, not on a device");
        }
        return device;
    }

    public float[] floats() {
        return (float[]) hostArray(DType.F32);
    }

    public double[] doubles() {
        return (double[]) hostArray(DType.F64);
    }

    public long[] longs() {
        return (long[]) hostArray(DType.I64);
    }

    public int[] ints() {
        return (int[]) hostArray(DType.I32);
    }

    public byte[] bytes() {
        return (byte[]) hostArray(DType.U8);
    }

    private Object hostArray(DType expected) {
        if (host == null) {
            throw new IllegalStateException("tensor " + this + " is on a device: copy it to the host first");
        }
        if (dtype != expected) {
            throw new IllegalStateException("tensor " + this + " holds " + dtype + ", not " + expected);
        }
        return host;
    }

    /** The backing host array, whatever its type. */
    public Object hostData() {
        if (host == null) {
            throw new IllegalStateException("tensor " + this + " is on a device: copy it to the host first");
        }
        return host;
    }

    /** Element i as a double, for any host dtype (U8 read unsigned). */
    public double getDouble(int i) {
        return switch (dtype) {
            case F32 -> floats()[i];
            case F64 -> doubles()[i];
            case I64 -> longs()[i];
            case I32 -> ints()[i];
            case U8 -> bytes()[i] & 0xff;
        };
    }

    /** Element i as a long, for integer host dtypes. */
    public long getLong(int i) {
        return switch (dtype) {
            case I64 -> longs()[i];
            case I32 -> ints()[i];
            case U8 -> bytes()[i] & 0xff;
            default -> throw new IllegalStateException("tensor " + this + " holds " + dtype + ", not integers");
        };
    }

    @Override
    public void close() {
        if (device != null) {
            device.close();
        }
    }

    @Override
    public String toString() {
        return dtype + Arrays.toString(shape) + (host != null ? "@host" : "@device");
    }
}
