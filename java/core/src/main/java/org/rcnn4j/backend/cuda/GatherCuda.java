package org.rcnn4j.backend.cuda;

import org.rcnn4j.backend.Gather;
import org.rcnn4j.backend.OpChecks;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.kernels.GatherKernels;
import org.rcnn4j.cuda.kernels.SelectKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/**
 * The gather family on the device: concat and slices are device-to-device copies (any dtype), index_select and
 * its adjoint run cuda/gather.cu (F32), index_select of other dtypes and the rows of a mask cuda/select.cu's byte
 * gather. Other operands take the CPU family on host copies. index_select checks a device index on the device and
 * reports a bad one at the backend's next synchronization (the same IllegalArgumentException the host check throws;
 * {@link DeferredChecks}), a host index at once; indexAdd and take check theirs on the device too, their kernels
 * reading NaN (index_select), skipping (add) or reading zero for (take) an index outside the range until the
 * backend's next synchronization reports it.
 */
final class GatherCuda implements Gather {
    private final CudaDevice device;
    private final Gather host;
    private final DeferredChecks checks;

    GatherCuda(CudaDevice device, Gather host, DeferredChecks checks) {
        this.device = device;
        this.host = host;
        this.checks = checks;
    }

    private static boolean allDevice(Tensor[] ts) {
        for (Tensor t : ts) {
            if (t == null || !t.isDevice()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Tensor concat(Tensor[] parts, int[] shape) {
        OpChecks.notNull("tensors", parts);
        if (parts.length == 0 || !allDevice(parts)) {
            return HostFallback.run(device, h -> host.concat(h, shape), parts);
        }
        long total = 0;
        for (Tensor p : parts) {
            OpChecks.sameDType("tensors", p, "the first tensor", parts[0]);
            total += p.numel();
        }
        if (total != Shapes.numel(shape)) {
            throw new IllegalArgumentException("shape: expected " + total + " elements (the parts' total), got "
                    + Shapes.format(shape));
        }
        int bytes = parts[0].dtype().bytes();
        return DeviceOutputs.filled(device, parts[0].dtype(), shape, out -> {
            long at = 0;
            for (Tensor p : parts) {
                long n = (long) p.numel() * bytes;
                if (n > 0) {
                    device.copyDeviceToDevice(out.deviceBuffer().slice(at, n), p.deviceBuffer(), n);
                }
                at += n;
            }
        });
    }

    @Override
    public Tensor slice(Tensor t, long offset, int[] shape) {
        OpChecks.notNull("t", t);
        if (!t.isDevice()) {
            return HostFallback.run(device, h -> host.slice(h[0], offset, shape), t);
        }
        if (offset < 0 || offset + Shapes.numel(shape) > t.numel()) {
            throw new IllegalArgumentException("offset: elements [" + offset + ", " + (offset + Shapes.numel(shape))
                    + ") outside the tensor's " + t.numel());
        }
        int bytes = t.dtype().bytes();
        return DeviceOutputs.filled(device, t.dtype(), shape, out -> {
            long n = (long) out.numel() * bytes;
            if (n > 0) {
                device.copyDeviceToDevice(out.deviceBuffer(), t.deviceBuffer().slice(offset * bytes, n), n);
            }
        });
    }

    @Override
    public Tensor indexSelect(Tensor x, Tensor index) {
        OpChecks.notNull("input", x);
        OpChecks.notNull("index", index);
        if (x.isDevice() && x.dtype() != DType.F32) {
            return rowsOf(x, index);
        }
        if (!DeviceF32.all(x)) {
            return HostFallback.run(device, h -> host.indexSelect(h[0], h[1]), x, index);
        }
        if (x.dim() == 0) {
            throw new IllegalArgumentException("input: expected a tensor with a dim 0, got a 0-dim tensor");
        }
        OpChecks.index("index", index);
        if (index.dim() != 1) {
            throw new IllegalArgumentException("index: expected a 1-D tensor, got " + Shapes.format(index.shape()));
        }
        int rows = x.size(0);
        if (index.isHost()) {
            OpChecks.indexValues(index, rows); // a bad host index fails here, naming itself
        }
        int[] outShape = x.shape();
        outShape[0] = index.numel();
        int row = x.numel() / Math.max(1, rows);
        return withDeviceIndex(index, idx -> {
            if (index.isDevice()) {
                // checked on the device: a bad index fails at the next synchronization with the host check's message
                checks.indexRangeQuoting(idx, rows, null, (at, value) -> new IllegalArgumentException(
                        "index_select: index " + value + " out of range for " + rows + " rows"));
            }
            return DeviceF32.run(device, DType.F32, outShape, (d, o) -> GatherKernels.rows(d, x.deviceBuffer(),
                    idx.deviceBuffer(), o.deviceBuffer(), idx.numel(), row, rows));
        });
    }

    @Override
    public Tensor indexAdd(Tensor g, Tensor index, int rows) {
        OpChecks.floating("grad", g);
        OpChecks.index("index", index);
        if (g.dim() == 0 || g.size(0) != index.numel()) {
            throw new IllegalArgumentException("grad: expected [" + index.numel() + ", ...] (one row per index), got "
                    + Shapes.format(g.shape()));
        }
        if (!DeviceF32.all(g)) {
            return HostFallback.run(device, h -> host.indexAdd(h[0], h[1], rows), g, index);
        }
        int[] shape = g.shape();
        shape[0] = rows;
        int row = g.numel() / Math.max(1, g.size(0));
        return withDeviceIndex(index, idx -> {
            // checked on the device as the CPU checks it; the kernel adds nothing for an index outside [0, rows)
            checks.indexRange("index_add", "index", idx, rows, null, "a row of the result");
            Tensor out = Transfers.zeros(device, DType.F32, shape);
            try {
                GatherKernels.scatterAddRows(device, g.deviceBuffer(), idx.deviceBuffer(), out.deviceBuffer(),
                        idx.numel(), row, rows);
                return out;
            } catch (RuntimeException e) {
                out.close();
                throw e;
            }
        });
    }

    /** index_select of a device x of any dtype: rows copied as bytes by cuda/select.cu, after the CPU's checks. */
    private Tensor rowsOf(Tensor x, Tensor index) {
        if (x.dim() == 0) {
            throw new IllegalArgumentException("input: expected a tensor with a dim 0, got a 0-dim tensor");
        }
        long[] checked = OpChecks.indexValues(Transfers.toHost(device, index), x.size(0));
        return withDeviceIndex(index, idx -> gatherRows(x, idx, checked.length));
    }

    /** Rows index[0..k) (device I64, in range) of the device tensor x, as bytes. */
    private Tensor gatherRows(Tensor x, Tensor index, int k) {
        int[] shape = x.shape();
        shape[0] = k;
        long rowBytes = (long) x.numel() / Math.max(1, x.size(0)) * x.dtype().bytes();
        return DeviceOutputs.filled(device, x.dtype(), shape, out -> SelectKernels.gatherRows(device,
                x.deviceBuffer().pointer(), x.size(0), Math.toIntExact(rowBytes), index.deviceBuffer().pointer(), true,
                k, out.deviceBuffer().pointer()));
    }

    @Override
    public Tensor maskedSelect(Tensor x, Tensor mask) {
        OpChecks.notNull("input", x);
        OpChecks.notNull("mask", mask);
        if (!x.isDevice() || !mask.isDevice()) {
            return HostFallback.run(device, h -> host.maskedSelect(h[0], h[1]), x, mask);
        }
        if (x.dim() == 0) {
            throw new IllegalArgumentException("input: expected a tensor with a dim 0, got a 0-dim tensor");
        }
        if (mask.dtype() != DType.U8 || mask.dim() != 1 || mask.size(0) != x.size(0)) {
            throw new IllegalArgumentException("mask: expected U8 [" + x.size(0) + "] (one byte per row of input), "
                    + "got " + mask);
        }
        int n = x.size(0);
        try (Tensor indices = Transfers.empty(device, DType.I64, Math.max(1, n));
                Tensor count = Transfers.empty(device, DType.I32, 1)) {
            if (n == 0) {
                device.memsetZero(count.deviceBuffer());
            } else {
                SelectKernels.compact(device, mask.deviceBuffer().pointer(), n, indices.deviceBuffer().pointer(),
                        count.deviceBuffer().pointer());
            }
            // the result's size is the data's: one read-back
            int k = Transfers.toHost(device, count).ints()[0];
            return gatherRows(x, indices, k);
        }
    }

    /** Runs op with the index as a device I64 tensor: itself when it is one, else a temporary converted copy. */
    private Tensor withDeviceIndex(Tensor index, java.util.function.Function<Tensor, Tensor> op) {
        if (index.isDevice() && index.dtype() == DType.I64) {
            return op.apply(index);
        }
        Tensor h = Transfers.toHost(device, index);
        long[] v = new long[h.numel()];
        for (int i = 0; i < v.length; i++) {
            v[i] = h.getLong(i);
        }
        try (Tensor idx = Transfers.toDevice(device, Tensor.ofLongs(v, v.length))) {
            return op.apply(idx);
        }
    }

    @Override
    public Tensor take(Tensor x, Tensor index) {
        OpChecks.floating("input", x);
        OpChecks.dtype("index", index, DType.I64);
        OpChecks.dims("index", index, 1, "[K]");
        if (!DeviceF32.all(x) || !index.isDevice()) {
            return HostFallback.run(device, h -> host.take(h[0], h[1]), x, index);
        }
        checks.indexRange("take", "index", index, x.numel(), null, "a flat index into input");
        // select.cu's gather of 4-byte rows: the same bits as gather.cu's, and a zero (not a read outside x) for an
        // index the check above reports at the next synchronization
        return DeviceF32.run(device, DType.F32, new int[] {index.numel()}, (d, o) -> SelectKernels.gatherRows(d,
                x.deviceBuffer().pointer(), x.numel(), 4, index.deviceBuffer().pointer(), true, index.numel(),
                o.deviceBuffer().pointer()));
    }

    @Override
    public void copyInto(Tensor src, Tensor dst) {
        OpChecks.notNull("src", src);
        OpChecks.notNull("dst", dst);
        OpChecks.sameDType("src", src, "dst", dst);
        DeviceChecks.requireDevice("dst", dst);
        if (src.numel() != dst.numel()) {
            throw new IllegalArgumentException("src: expected " + dst.numel() + " elements (dst's), got "
                    + src.numel());
        }
        if (src.isHost()) {
            device.copyHostToDevice(dst.deviceBuffer(), src.hostData(), 0, src.numel());
        } else {
            device.copyDeviceToDevice(dst.deviceBuffer(), src.deviceBuffer(), (long) src.numel() * src.dtype()
                    .bytes());
        }
    }
}
