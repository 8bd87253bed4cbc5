package org.rcnn4j.backend.cuda;

import static org.rcnn4j.backend.cuda.DeviceChecks.requireDevice;

import java.util.List;
import jcuda.driver.CUdeviceptr;
import org.rcnn4j.backend.Select;
import org.rcnn4j.backend.SelectChecks;
import org.rcnn4j.backend.Selection;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.kernels.SelectKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/** The selection ops on the device (cuda/select.cu): nothing here waits for the device or reads back. */
final class SelectCuda implements Select {
    private final CudaDevice device;

    SelectCuda(CudaDevice device) {
        this.device = device;
    }

    @Override
    public Tensor rows(Tensor t, int from, int count) {
        SelectChecks.rows(t, from, count);
        requireDevice("t", t);
        int[] shape = t.shape();
        long rowBytes = t.size(0) == 0 ? 0 : (long) t.numel() / t.size(0) * t.dtype().bytes();
        shape[0] = count;
        return Tensor.onDevice(t.dtype(), t.deviceBuffer().slice(from * rowBytes, count * rowBytes), shape);
    }

    @Override
    public Tensor catRows(List<Tensor> parts) {
        int[] shape = SelectChecks.catRows(parts);
        for (int i = 0; i < parts.size(); i++) {
            requireDevice("parts[" + i + "]", parts.get(i));
        }
        Tensor out = Transfers.empty(device, parts.get(0).dtype(), shape);
        try {
            long at = 0;
            for (Tensor p : parts) {
                long bytes = (long) p.numel() * p.dtype().bytes();
                device.copyDeviceToDevice(out.deviceBuffer().slice(at, bytes), p.deviceBuffer(), bytes);
                at += bytes;
            }
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    @Override
    public Tensor topKSegments(Tensor values, int[] segmentLengths, int k) {
        int width = SelectChecks.topKSegments(values, segmentLengths, k);
        requireDevice("values", values);
        int n = values.size(0);
        int a = values.size(1);
        int longest = 0;
        for (int l : segmentLengths) {
            longest = Math.max(longest, l);
        }
        Tensor out = Transfers.empty(device, DType.I64, n, width);
        try (DeviceBuffer order = device.allocate(4L * Math.max(1, longest));
                DeviceBuffer valid = device.allocate(4)) {
            for (int img = 0; img < n; img++) {
                int off = 0;
                int at = img * width;
                for (int count : segmentLengths) {
                    int take = Math.min(count, k);
                    if (take > 0) {
                        CUdeviceptr seg = values.deviceBuffer().pointer().withByteOffset(4L * ((long) img * a + off));
                        SelectKernels.sortDescendingMasked(device, seg, null, count, order.pointer(), valid);
                        SelectKernels.takeOrder(device, order.pointer(), take, off,
                                out.deviceBuffer().pointer().withByteOffset(8L * at));
                    }
                    at += take;
                    off += count;
                }
            }
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    @Override
    public Tensor argsort(Tensor values) {
        SelectChecks.argsort(values);
        requireDevice("values", values);
        int n = values.size(0);
        Tensor out = Transfers.empty(device, DType.I64, n);
        try (DeviceBuffer order = device.allocate(4L * Math.max(1, n)); DeviceBuffer valid = device.allocate(4)) {
            if (values.dtype() == DType.F32) {
                SelectKernels.sortDescendingMasked(device, values.deviceBuffer().pointer(), null, n, order.pointer(),
                        valid);
            } else {
                SelectKernels.sortIntsAscending(device, values.deviceBuffer().pointer(),
                        values.dtype() == DType.I64, n, order.pointer());
            }
            SelectKernels.takeOrder(device, order.pointer(), n, 0, out.deviceBuffer().pointer());
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    @Override
    public Tensor gatherRows(Tensor values, Tensor index) {
        SelectChecks.gatherRows(values, index);
        requireDevice("values", values);
        requireDevice("index", index);
        int rows = values.size(0);
        int[] shape = values.shape();
        int row = 1;
        for (int d = 1; d < shape.length; d++) {
            row *= shape[d];
        }
        int k = index.size(0);
        shape[0] = k;
        Tensor out = Transfers.empty(device, values.dtype(), shape);
        try {
            SelectKernels.gatherRows(device, values.deviceBuffer().pointer(), rows, row * values.dtype().bytes(),
                    index.deviceBuffer().pointer(), index.dtype() == DType.I64, k, out.deviceBuffer().pointer());
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    @Override
    public Tensor sigmoid(Tensor x) {
        SelectChecks.floats("x", x);
        requireDevice("x", x);
        Tensor out = Transfers.empty(device, DType.F32, x.shape());
        try {
            SelectKernels.sigmoid(device, x.deviceBuffer().pointer(), x.numel(), out.deviceBuffer().pointer());
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    @Override
    public Tensor softmaxRows(Tensor logits) {
        SelectChecks.softmaxRows(logits);
        requireDevice("logits", logits);
        Tensor out = Transfers.empty(device, DType.F32, logits.shape());
        try {
            SelectKernels.softmaxRows(device, logits.deviceBuffer().pointer(), logits.size(0), logits.size(1),
                    out.deviceBuffer().pointer());
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    @Override
    public Tensor argmaxRows(Tensor values, int fromColumn) {
        SelectChecks.argmaxRows(values, fromColumn);
        requireDevice("values", values);
        Tensor out = Transfers.empty(device, DType.I64, values.size(0));
        try {
            SelectKernels.argmaxRows(device, values.deviceBuffer().pointer(), values.size(0), values.size(1),
                    fromColumn, out.deviceBuffer().pointer());
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    @Override
    public Tensor labelSigmoid(Tensor logits, Tensor labels) {
        SelectChecks.labelSigmoid(logits, labels);
        requireDevice("logits", logits);
        requireDevice("labels", labels);
        int d = logits.size(0);
        Tensor out = Transfers.empty(device, DType.F32, d, 1, logits.size(2), logits.size(3));
        try {
            SelectKernels.labelSigmoid(device, logits.deviceBuffer().pointer(), labels.deviceBuffer().pointer(), d,
                    logits.size(1), logits.size(2) * logits.size(3), out.deviceBuffer().pointer());
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    @Override
    public Tensor keepMask(Tensor boxes, Tensor scores, float minSize, float scoreThresh, boolean strict) {
        int k = SelectChecks.boxesAndScores(boxes, scores);
        requireDevice("boxes", boxes);
        requireDevice("scores", scores);
        Tensor out = Transfers.empty(device, DType.U8, k);
        try {
            SelectKernels.keepMask(device, boxes.deviceBuffer().pointer(), scores.deviceBuffer().pointer(), k,
                    minSize, scoreThresh, strict, out.deviceBuffer().pointer());
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    @Override
    public Selection compact(Tensor mask) {
        if (mask.dim() != 1) {
            throw new IllegalArgumentException("mask: expected U8 [K], got " + mask);
        }
        SelectChecks.mask(mask, mask.size(0));
        requireDevice("mask", mask);
        int k = mask.size(0);
        Tensor indices = Transfers.empty(device, DType.I64, k);
        Tensor count = Transfers.empty(device, DType.I32, 1);
        try {
            SelectKernels.compact(device, mask.deviceBuffer().pointer(), k, indices.deviceBuffer().pointer(),
                    count.deviceBuffer().pointer());
            return new Selection(indices, count);
        } catch (RuntimeException e) {
            indices.close();
            count.close();
            throw e;
        }
    }

    @Override
    public Selection batchedNms(Tensor boxes, Tensor scores, Tensor idxs, Tensor mask, float iouThreshold,
            int maxOutput) {
        SelectChecks.nms(boxes, scores, idxs, mask, iouThreshold, maxOutput);
        requireDevice("boxes", boxes);
        requireDevice("scores", scores);
        if (idxs != null) {
            requireDevice("idxs", idxs);
        }
        if (mask != null) {
            requireDevice("mask", mask);
        }
        int k = boxes.size(0);
        int capacity = Math.min(k, maxOutput);
        Tensor indices = Transfers.empty(device, DType.I64, capacity);
        Tensor count = Transfers.empty(device, DType.I32, 1);
        try (DeviceBuffer order = device.allocate(4L * Math.max(1, k)); DeviceBuffer valid = device.allocate(4)) {
            SelectKernels.sortDescendingMasked(device, scores.deviceBuffer().pointer(),
                    mask == null ? null : mask.deviceBuffer().pointer(), k, order.pointer(), valid);
            SelectKernels.nmsCapped(device, boxes.deviceBuffer().pointer(),
                    idxs == null ? null : idxs.deviceBuffer().pointer(), idxs != null && idxs.dtype() == DType.I64,
                    order.pointer(), valid.pointer(), capacity, iouThreshold, capacity,
                    indices.deviceBuffer().pointer(), count.deviceBuffer().pointer());
            return new Selection(indices, count);
        } catch (RuntimeException e) {
            indices.close();
            count.close();
            throw e;
        }
    }

    @Override
    public Tensor fpnLevels(Tensor boxes, int kMin, int kMax) {
        SelectChecks.fpnLevels(boxes, kMin, kMax);
        requireDevice("boxes", boxes);
        int k = boxes.size(0);
        int stride = boxes.size(1);
        Tensor out = Transfers.empty(device, DType.I32, k);
        try {
            SelectKernels.fpnLevels(device, boxes.deviceBuffer().pointer(), stride, stride - 4, k, kMin, kMax,
                    out.deviceBuffer().pointer());
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    @Override
    public Tensor bincount(Tensor values, int bins) {
        SelectChecks.bincount(values, bins);
        requireDevice("values", values);
        Tensor out = Transfers.empty(device, DType.I32, bins);
        try {
            SelectKernels.bincount(device, values.deviceBuffer().pointer(), values.size(0), bins, out.deviceBuffer());
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    @Override
    public Tensor batchRois(List<Tensor> boxes) {
        int total = SelectChecks.batchRois(boxes);
        Tensor out = Transfers.empty(device, DType.F32, total, 5);
        try {
            long at = 0;
            for (int i = 0; i < boxes.size(); i++) {
                Tensor b = boxes.get(i);
                requireDevice("boxes[" + i + "]", b);
                SelectKernels.batchRois(device, b.deviceBuffer().pointer(), b.size(0), i,
                        out.deviceBuffer().pointer().withByteOffset(20L * at));
                at += b.size(0);
            }
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    @Override
    public Tensor scaleBoxes(Tensor boxes, float scaleX, float scaleY) {
        SelectChecks.boxes(boxes);
        requireDevice("boxes", boxes);
        Tensor out = Transfers.empty(device, DType.F32, boxes.size(0), 4);
        try {
            SelectKernels.scaleBoxes(device, boxes.deviceBuffer().pointer(), boxes.size(0), scaleX, scaleY,
                    out.deviceBuffer().pointer());
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    @Override
    public Tensor normAffine(Tensor mean, Tensor var, Tensor weight, Tensor bias, double eps) {
        int c = SelectChecks.normAffine(mean, var, weight, bias, eps);
        requireDevice("mean", mean);
        requireDevice("var", var);
        if (weight != null) {
            requireDevice("weight", weight);
        }
        if (bias != null) {
            requireDevice("bias", bias);
        }
        Tensor out = Transfers.empty(device, mean.dtype(), 2, c);
        try {
            SelectKernels.normAffine(device, mean.dtype() == DType.F64, mean.deviceBuffer().pointer(),
                    var.deviceBuffer().pointer(), weight == null ? null : weight.deviceBuffer().pointer(),
                    bias == null ? null : bias.deviceBuffer().pointer(), c, eps, out.deviceBuffer().pointer());
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    @Override
    public Tensor mergeRows(List<Tensor> parts, Tensor levels) {
        Tensor first = SelectChecks.mergeRows(parts, levels);
        requireDevice("levels", levels);
        long rows = levels.size(0);
        int rowWords = rows == 0 ? 0 : (int) ((long) first.numel() * first.dtype().bytes() / 4 / rows);
        Tensor out = Transfers.zeros(device, first.dtype(), first.shape());
        try {
            for (int l = 0; l < parts.size(); l++) {
                Tensor p = parts.get(l);
                if (p != null) {
                    requireDevice("parts[" + l + "]", p);
                    SelectKernels.rowsOfLevel(device, p.deviceBuffer().pointer(), levels.deviceBuffer().pointer(), l,
                            rows, rowWords, out.deviceBuffer().pointer());
                }
            }
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }
}
