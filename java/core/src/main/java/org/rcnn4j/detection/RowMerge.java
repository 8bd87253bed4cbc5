package org.rcnn4j.detection;

import java.util.List;
import java.util.stream.IntStream;
import org.rcnn4j.autograd.Autograd;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * result[rows[p][j]] = parts[p][j] as one differentiable op: MultiScaleRoIAlign's scatter of each level's pooled
 * RoIs back into proposal order (torchvision's result[idx_in_level] = roi_align(...)). Rows are copied in float32
 * or float64 as they are, in parallel, without the double round trip of concat + index_select. On the CUDA
 * backend the rows move through the host.
 */
final class RowMerge {
    private RowMerge() {
    }

    /** parts [k_p, ...] sharing trailing shape and dtype; rows[p] the destination rows (a partition of [0,total)). */
    static Var merge(List<Var> parts, long[][] rows, int total) {
        Var first = parts.get(0);
        Backend b = first.backend();
        DType dt = first.dtype();
        int[] shape = first.shape().clone();
        int row = rowSize(shape);
        shape[0] = total;
        Object out = dt == DType.F64 ? new double[total * row] : new float[total * row];
        for (int p = 0; p < parts.size(); p++) {
            Object src = Host.host(b, parts.get(p).value()).hostData();
            long[] r = rows[p];
            IntStream.range(0, r.length).parallel().forEach(j ->
                    System.arraycopy(src, j * row, out, (int) r[j] * row, row));
        }
        Tensor host = dt == DType.F64 ? Tensor.ofDoubles((double[]) out, shape) : Tensor.ofFloats((float[]) out, shape);
        return Autograd.record("multiscale_roi_merge", b, b.toDevice(host), g -> {
            Object gs = Host.host(b, g).hostData();
            Tensor[] grads = new Tensor[parts.size()];
            for (int p = 0; p < parts.size(); p++) {
                if (!parts.get(p).requiresGrad()) {
                    continue;
                }
                long[] r = rows[p];
                int[] ps = parts.get(p).shape();
                Object dst = dt == DType.F64 ? new double[r.length * row] : new float[r.length * row];
                IntStream.range(0, r.length).parallel().forEach(j ->
                        System.arraycopy(gs, (int) r[j] * row, dst, j * row, row));
                grads[p] = b.toDevice(dt == DType.F64 ? Tensor.ofDoubles((double[]) dst, ps)
                        : Tensor.ofFloats((float[]) dst, ps));
            }
            return grads;
        }, parts.toArray(new Var[0]));
    }

    private static int rowSize(int[] shape) {
        int n = 1;
        for (int i = 1; i < shape.length; i++) {
            n *= shape[i];
        }
        return n;
    }
}
