package org.rcnn4j.detection;

/** BoxCoder settings of the detection models (models/detection/_utils.py). */
public final class BoxCoding {
    /** RPN's BoxCoder weights. */
    public static final float[] RPN_WEIGHTS = {1f, 1f, 1f, 1f};
    /** RoIHeads' bbox_reg_weights default. */
    public static final float[] ROI_WEIGHTS = {10f, 10f, 5f, 5f};
    /** log(1000/16) in float32, the clamp on dw, dh in decode. */
    public static final float BBOX_XFORM_CLIP = (float) Math.log(1000.0 / 16);
    /** smooth_l1 beta of both box losses. */
    public static final double SMOOTH_L1_BETA = 1.0 / 9;

    private BoxCoding() {
    }
}
