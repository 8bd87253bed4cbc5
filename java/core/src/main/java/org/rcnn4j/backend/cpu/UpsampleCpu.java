package org.rcnn4j.backend.cpu;

import java.util.stream.IntStream;
import org.rcnn4j.backend.UpsampleShape;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * Nearest-neighbour upsampling (F.interpolate mode='nearest' with a size) and its gradient on the host, planes
 * in parallel. Index maps per axis come from {@link UpsampleShape#nearestSource}.
 */
final class UpsampleCpu {
    private static final long GRAIN = 1 << 15;

    private UpsampleCpu() {
    }

    static Tensor nearest(Tensor input, int outputHeight, int outputWidth) {
        UpsampleShape s = UpsampleShape.of(input, outputHeight, outputWidth);
        int[] sy = UpsampleShape.nearestSource(s.h(), s.oh());
        int[] sx = UpsampleShape.nearestSource(s.w(), s.ow());
        Tensor out = Tensor.zeros(input.dtype(), s.outputShape());
        int inPlane = s.h() * s.w();
        int outPlane = s.oh() * s.ow();
        boolean f32 = input.dtype() == DType.F32;
        planes(s.planes(), outPlane, p -> {
            int in = p * inPlane;
            int o = p * outPlane;
            for (int oy = 0; oy < s.oh(); oy++) {
                int row = in + sy[oy] * s.w();
                int dst = o + oy * s.ow();
                if (f32) {
                    float[] x = input.floats();
                    float[] y = out.floats();
                    for (int ox = 0; ox < s.ow(); ox++) {
                        y[dst + ox] = x[row + sx[ox]];
                    }
                } else {
                    double[] x = input.doubles();
                    double[] y = out.doubles();
                    for (int ox = 0; ox < s.ow(); ox++) {
                        y[dst + ox] = x[row + sx[ox]];
                    }
                }
            }
        });
        return out;
    }

    static Tensor nearestBackward(Tensor gradOutput, int[] inputShape) {
        UpsampleShape s = UpsampleShape.ofBackward(gradOutput, inputShape);
        int[] sy = UpsampleShape.nearestSource(s.h(), s.oh());
        int[] sx = UpsampleShape.nearestSource(s.w(), s.ow());
        Tensor out = Tensor.zeros(gradOutput.dtype(), inputShape);
        int inPlane = s.h() * s.w();
        int outPlane = s.oh() * s.ow();
        boolean f32 = gradOutput.dtype() == DType.F32;
        // each plane accumulates only into its own slice of the gradient: planes run in parallel, no races
        planes(s.planes(), outPlane, p -> {
            int in = p * inPlane;
            int o = p * outPlane;
            for (int oy = 0; oy < s.oh(); oy++) {
                int row = in + sy[oy] * s.w();
                int src = o + oy * s.ow();
                if (f32) {
                    float[] g = gradOutput.floats();
                    float[] d = out.floats();
                    for (int ox = 0; ox < s.ow(); ox++) {
                        d[row + sx[ox]] += g[src + ox];
                    }
                } else {
                    double[] g = gradOutput.doubles();
                    double[] d = out.doubles();
                    for (int ox = 0; ox < s.ow(); ox++) {
                        d[row + sx[ox]] += g[src + ox];
                    }
                }
            }
        });
        return out;
    }

    private static void planes(int planes, int perPlane, java.util.function.IntConsumer body) {
        IntStream r = IntStream.range(0, planes);
        ((long) planes * perPlane >= GRAIN && planes > 1 ? r.parallel() : r).forEach(body);
    }
}
