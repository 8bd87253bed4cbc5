package org.rcnn4j.backend.cuda;

import org.rcnn4j.backend.Convert;
import org.rcnn4j.backend.OpChecks;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * dtype conversion on the CUDA backend: a same-dtype copy on the device, U8 to F32 with cuda/mask_targets.cu's
 * kernel; a host tensor is converted on the host and uploaded (one copy). GAP: the other conversions of device
 * tensors go through a host copy and the CPU's conversion (so both backends give the same values and reject the
 * same ones; used for F64 and index tensors, off the detectors' F32 path).
 */
final class ConvertCuda implements Convert {
    private final CudaDevice device;
    private final Convert host;

    ConvertCuda(CudaDevice device, Convert host) {
        this.device = device;
        this.host = host;
    }

    @Override
    public Tensor to(Tensor x, DType dtype) {
        OpChecks.notNull("x", x);
        OpChecks.notNull("dtype", dtype);
        if (x.isDevice() && x.dtype() == dtype) {
            return Transfers.toDevice(device, x);
        }
        if (x.isDevice() && x.dtype() == DType.U8 && dtype == DType.F32) {
            return MaskTargetsCuda.u8ToF32(device, x, x.shape());
        }
        return HostFallback.run(device, h -> host.to(h[0], dtype), x);
    }
}
