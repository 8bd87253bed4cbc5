package org.rcnn4j.backend;

/** conv2d's stride, padding, dilation (per axis, H then W) and groups, as torch.nn.functional.conv2d. */
public record Conv2dParams(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW,
        int groups) {

    public Conv2dParams {
        if (strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException("stride must be >= 1, got " + strideH + "," + strideW);
        }
        if (padH < 0 || padW < 0) {
            throw new IllegalArgumentException("padding must be >= 0, got " + padH + "," + padW);
        }
        if (dilationH < 1 || dilationW < 1) {
            throw new IllegalArgumentException("dilation must be >= 1, got " + dilationH + "," + dilationW);
        }
        if (groups < 1) {
            throw new IllegalArgumentException("groups must be >= 1, got " + groups);
        }
    }

    /** The same stride, padding and dilation on both axes. */
    public static Conv2dParams of(int stride, int padding, int dilation, int groups) {
        return new Conv2dParams(stride, stride, padding, padding, dilation, dilation, groups);
    }

    /** Output extent along one axis, as PyTorch computes it. */
    public static int outputSize(int in, int kernel, int stride, int pad, int dilation) {
        return (in + 2 * pad - dilation * (kernel - 1) - 1) / stride + 1;
    }
}
