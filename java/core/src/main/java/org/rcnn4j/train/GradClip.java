package org.rcnn4j.train;

import java.util.List;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.tensor.Tensor;

/**
 * torch.nn.utils.clip_grad_norm_ (L2): the total norm over every gradient; when it exceeds {@code maxNorm} each
 * gradient is multiplied by maxNorm / (norm + 1e-6). Parameters without a gradient are skipped. The norm is
 * accumulated in double on the host (GAP: device gradients are copied to the host for it); the scaling runs on the
 * gradients' backend.
 */
public final class GradClip {
    private GradClip() {
    }

    /** Clips in place and returns the total norm before clipping (NaN or infinite if a gradient is). */
    public static double clipGradNorm(List<Var> params, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("max_norm must be > 0, got " + maxNorm);
        }
        double sumSq = 0;
        for (Var p : params) {
            Tensor g = p.grad();
            if (g == null) {
                continue;
            }
            Tensor h = p.backend().toHost(g);
            try {
                sumSq += sumOfSquares(h);
            } finally {
                if (h != g) {
                    h.close();
                }
            }
        }
        double norm = Math.sqrt(sumSq);
        double coef = maxNorm / (norm + 1e-6);
        // torch multiplies by min(coef, 1) always; by 1 changes nothing, so skip it. A NaN norm gives a NaN coef,
        // which torch also applies (the NaN then shows in the loss check of the next step).
        if (!(coef >= 1)) {
            for (Var p : params) {
                p.scaleGrad(coef);
            }
        }
        return norm;
    }

    private static double sumOfSquares(Tensor h) {
        double s = 0;
        switch (h.dtype()) {
            case F32 -> {
                for (float v : h.floats()) {
                    s += (double) v * v;
                }
            }
            case F64 -> {
                for (double v : h.doubles()) {
                    s += v * v;
                }
            }
            default -> throw new IllegalArgumentException("gradients must be F32 or F64, got " + h.dtype());
        }
        return s;
    }
}
