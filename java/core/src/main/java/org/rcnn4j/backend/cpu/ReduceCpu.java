package org.rcnn4j.backend.cpu;

import java.util.Arrays;
import org.rcnn4j.backend.OpChecks;
import org.rcnn4j.backend.Reduce;
import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/** Sum and its backward fill on the host: a sequential double sum in element order, rounded to the dtype. */
final class ReduceCpu implements Reduce {

    @Override
    public Tensor sum(Tensor x, double scale) {
        OpChecks.floating("input", x);
        return HostDoubles.of(new double[] {sum(HostDoubles.read(x)) * scale}, x.dtype());
    }

    @Override
    public Tensor fill(Tensor g, double scale, int[] shape) {
        OpChecks.floating("grad", g);
        if (g.numel() != 1) {
            throw new IllegalArgumentException("grad: expected one element, got " + Shapes.format(g.shape()));
        }
        double[] d = new double[Shapes.numel(shape)];
        Arrays.fill(d, HostDoubles.read(g)[0] * scale);
        return HostDoubles.of(d, g.dtype(), shape);
    }

    static double sum(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s;
    }
}
