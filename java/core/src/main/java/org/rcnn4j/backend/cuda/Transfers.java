package org.rcnn4j.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/** Tensor copies between the host and a CUDA device, and fresh device tensors for op outputs. */
public final class Transfers {
    private Transfers() {
    }

    /** A device tensor of {@code shape} with undefined contents, owning a buffer from the device's allocator. */
    public static Tensor empty(CudaDevice device, DType dtype, int... shape) {
        long bytes = (long) Shapes.numel(shape) * dtype.bytes();
        DeviceBuffer buffer = device.allocate(bytes);
        try {
            return Tensor.onDevice(dtype, buffer, shape);
        } catch (RuntimeException e) {
            buffer.close();
            throw e;
        }
    }

    /** A zero-filled device tensor of {@code shape} (zeroed on the stream), e.g. for atomically accumulated grads. */
    public static Tensor zeros(CudaDevice device, DType dtype, int... shape) {
        Tensor t = empty(device, dtype, shape);
        try {
            device.memsetZero(t.deviceBuffer());
            return t;
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /**
     * A device copy of {@code tensor}: a host tensor is uploaded, a device tensor is copied on the device (the
     * result is always a new tensor the caller owns).
     */
    public static Tensor toDevice(CudaDevice device, Tensor tensor) {
        Tensor out = empty(device, tensor.dtype(), tensor.shape());
        try {
            if (tensor.isHost()) {
                device.copyHostToDevice(out.deviceBuffer(), tensor.hostData(), 0, tensor.numel());
            } else {
                device.copyDeviceToDevice(out.deviceBuffer(), tensor.deviceBuffer(),
                        (long) tensor.numel() * tensor.dtype().bytes());
            }
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /** A host copy of a device tensor (after the work queued before it); a host tensor is returned as is. */
    public static Tensor toHost(CudaDevice device, Tensor tensor) {
        if (tensor.isHost()) {
            return tensor;
        }
        Tensor out = Tensor.zeros(tensor.dtype(), tensor.shape());
        device.copyDeviceToHost(out.hostData(), 0, tensor.numel(), tensor.deviceBuffer());
        return out;
    }

    /** Host copies of several tensors after one wait for the device (host tensors are returned as they are). */
    public static List<Tensor> toHost(CudaDevice device, List<Tensor> tensors) {
        List<Tensor> out = new ArrayList<>(tensors.size());
        List<Object> arrays = new ArrayList<>();
        List<DeviceBuffer> sources = new ArrayList<>();
        for (Tensor t : tensors) {
            if (t.isHost()) {
                out.add(t);
                continue;
            }
            Tensor h = Tensor.zeros(t.dtype(), t.shape());
            out.add(h);
            if (t.numel() > 0) {
                arrays.add(h.hostData());
                sources.add(t.deviceBuffer());
            }
        }
        device.copyDeviceToHost(arrays, sources);
        return out;
    }
}
