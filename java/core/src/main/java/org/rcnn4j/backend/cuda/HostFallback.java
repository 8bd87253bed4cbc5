package org.rcnn4j.backend.cuda;

import java.util.function.Function;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.tensor.Tensor;

/**
 * The CUDA backend's path for operands its kernels do not serve (F64 tensors, whose ops have F32 kernels only, and
 * host tensors): the CPU backend's op on host copies, its results uploaded. The same arithmetic as the CPU
 * backend, at the cost of a round trip; GAP: F64 kernels would remove it (F64 is used by the gradient checks).
 */
final class HostFallback {
    private HostFallback() {
    }

    /** Host views of the operands: device tensors downloaded, host tensors (and null) as they are. */
    static Tensor[] download(CudaDevice device, Tensor... operands) {
        Tensor[] h = new Tensor[operands.length];
        for (int i = 0; i < h.length; i++) {
            h[i] = operands[i] == null ? null : Transfers.toHost(device, operands[i]);
        }
        return h;
    }

    /** A device copy of a host result (null stays null). */
    static Tensor upload(CudaDevice device, Tensor host) {
        return host == null ? null : Transfers.toDevice(device, host);
    }

    /** Device copies of host results; on failure the ones already uploaded are closed. */
    static Tensor[] uploadAll(CudaDevice device, Tensor[] hosts) {
        Tensor[] out = new Tensor[hosts.length];
        try {
            for (int i = 0; i < out.length; i++) {
                out[i] = upload(device, hosts[i]);
            }
            return out;
        } catch (RuntimeException e) {
            for (Tensor t : out) {
                if (t != null) {
                    t.close();
                }
            }
            throw e;
        }
    }

    /** The values of a host integer tensor (I64, I32 or U8) as longs. */
    static long[] longs(Tensor h) {
        if (h.dtype() == org.rcnn4j.tensor.DType.I64) {
            return h.longs();
        }
        long[] out = new long[h.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = h.getLong(i);
        }
        return out;
    }

    /** op on host copies of the operands, its single result uploaded. */
    static Tensor run(CudaDevice device, Function<Tensor[], Tensor> op, Tensor... operands) {
        return upload(device, op.apply(download(device, operands)));
    }
}
