package org.rcnn4j.nn;

import java.util.function.IntFunction;

/**
 * torchvision.ops.misc.Conv2dNormActivation: a Sequential of Conv2d ("0"), then the norm layer and the
 * activation when given; padding (k-1)/2*dilation; the conv has a bias only when there is no norm layer.
 */
public final class Conv2dNormActivation extends Sequential {

    /**
     * @param norm the norm layer for a channel count, or null for none
     * @param relu whether a ReLU follows
     */
    public Conv2dNormActivation(int in, int out, int kernel, int stride, int dilation,
            IntFunction<? extends Block> norm, boolean relu) {
        add(new Conv2d(in, out, kernel, stride, (kernel - 1) / 2 * dilation, dilation, 1, norm == null));
        if (norm != null) {
            add(norm.apply(out));
        }
        if (relu) {
            add(new ReLU());
        }
    }

    /** Conv with bias, no norm, optional ReLU: the form the detection heads and the FPN use. */
    public static Conv2dNormActivation plain(int in, int out, int kernel, boolean relu) {
        return new Conv2dNormActivation(in, out, kernel, 1, 1, null, relu);
    }

    public Conv2d conv() {
        return (Conv2d) get("0");
    }

    @Override
    public String typeName() {
        return "Conv2dNormActivation";
    }
}
