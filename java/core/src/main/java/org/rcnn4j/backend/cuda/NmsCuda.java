package org.rcnn4j.backend.cuda;

import static org.rcnn4j.backend.cuda.DeviceChecks.requireDevice;

import org.rcnn4j.backend.BoxChecks;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.kernels.NmsKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * nms and batched_nms on the device (cuda/nms.cu): sort, suppression mask, sweep and compaction all on the
 * device, one host sync for the kept count. Same results as the CPU backend (NmsCpu), indices exactly.
 */
final class NmsCuda {
    private final CudaDevice device;

    NmsCuda(CudaDevice device) {
        this.device = device;
    }

    Tensor nms(Tensor boxes, Tensor scores, float iouThreshold) {
        int n = BoxChecks.boxesAndScores(boxes, scores);
        requireDevice("boxes", boxes);
        requireDevice("scores", scores);
        DeviceBuffer keep = device.allocate(8L * n);
        int count;
        try {
            count = NmsKernels.nms(device, boxes.deviceBuffer(), scores.deviceBuffer(), n, iouThreshold, keep);
        } catch (RuntimeException e) {
            keep.close();
            throw e;
        }
        return BoxCudaSupport.indices(device, keep, count);
    }

    Tensor batchedNms(Tensor boxes, Tensor scores, Tensor idxs, float iouThreshold) {
        int n = BoxChecks.boxesAndScores(boxes, scores);
        BoxChecks.perBox("idxs", idxs, n, "boxes", DType.I64, DType.I32);
        requireDevice("boxes", boxes);
        requireDevice("scores", scores);
        requireDevice("idxs", idxs);
        DeviceBuffer keep = device.allocate(8L * n);
        int count;
        try {
            count = NmsKernels.batchedNms(device, boxes.deviceBuffer(), scores.deviceBuffer(), idxs.deviceBuffer(),
                    idxs.dtype() == DType.I64, n, iouThreshold, keep);
        } catch (RuntimeException e) {
            keep.close();
            throw e;
        }
        return BoxCudaSupport.indices(device, keep, count);
    }
}
