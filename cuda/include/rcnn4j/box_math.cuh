// Box arithmetic shared by the box kernel families (nms, box_ops, anchors, box_coder), written to round exactly
// as torchvision's float32 CPU ops do: every product, sum and quotient is rounded on its own (no fused
// multiply-add, which nvcc would otherwise form), so results match rcnn4j's CPU backend bit for bit where
// torchvision's are IEEE float32 operations.
#pragma once

// On the device the _rn intrinsics keep nvcc from contracting a product and a sum into one rounding; host code
// (the emulator, built with -ffp-contract=off, and nvcc's host pass) rounds each operation anyway.
static __host__ __device__ inline float rcnn4j_box_mul(float a, float b) {
#if defined(__CUDA_ARCH__)
    return __fmul_rn(a, b);
#else
    return a * b;
#endif
}

static __host__ __device__ inline float rcnn4j_box_add(float a, float b) {
#if defined(__CUDA_ARCH__)
    return __fadd_rn(a, b);
#else
    return a + b;
#endif
}

static __host__ __device__ inline float rcnn4j_box_sub(float a, float b) {
#if defined(__CUDA_ARCH__)
    return __fsub_rn(a, b);
#else
    return a - b;
#endif
}

static __host__ __device__ inline float rcnn4j_box_div(float a, float b) {
#if defined(__CUDA_ARCH__)
    return __fdiv_rn(a, b);
#else
    return a / b;
#endif
}

static __host__ __device__ inline unsigned int rcnn4j_box_float_bits(float v) {
#if defined(__CUDA_ARCH__)
    return __float_as_uint(v);
#else
    union {
        float f;
        unsigned int u;
    } pun;
    pun.f = v;
    return pun.u;
#endif
}

// (x2 - x1) * (y2 - y1), torchvision's box area (no +1).
static __host__ __device__ inline float rcnn4j_box_area(float x1, float y1, float x2, float y2) {
    return rcnn4j_box_mul(rcnn4j_box_sub(x2, x1), rcnn4j_box_sub(y2, y1));
}

// torchvision's NMS test, as its CPU kernel computes it: corners by std::max/std::min (a NaN in the second
// argument is ignored), w = max(0, xx2 - xx1), IoU = inter / (area_i + area_j - inter) > threshold. NaN IoU
// (degenerate pairs) never suppresses.
static __host__ __device__ inline bool rcnn4j_box_nms_suppresses(float ix1, float iy1, float ix2, float iy2,
                                                                 float iarea, float jx1, float jy1, float jx2,
                                                                 float jy2, float jarea, float threshold) {
    float xx1 = ix1 < jx1 ? jx1 : ix1;
    float yy1 = iy1 < jy1 ? jy1 : iy1;
    float xx2 = jx2 < ix2 ? jx2 : ix2;
    float yy2 = jy2 < iy2 ? jy2 : iy2;
    float dw = rcnn4j_box_sub(xx2, xx1);
    float dh = rcnn4j_box_sub(yy2, yy1);
    float w = 0.0f < dw ? dw : 0.0f;
    float h = 0.0f < dh ? dh : 0.0f;
    float inter = rcnn4j_box_mul(w, h);
    float iou = rcnn4j_box_div(inter, rcnn4j_box_sub(rcnn4j_box_add(iarea, jarea), inter));
    return iou > threshold;
}

// torch.max / torch.min / clamp: NaN in either operand gives NaN (fmaxf/fminf would drop it).
static __host__ __device__ inline float rcnn4j_box_nan_max(float a, float b) {
    return (a != a || b != b) ? (a + b) : (a > b ? a : b);
}

static __host__ __device__ inline float rcnn4j_box_nan_min(float a, float b) {
    return (a != a || b != b) ? (a + b) : (a < b ? a : b);
}

// torchvision.ops.box_iou for one pair (NaN-propagating corners, clamp(min=0), (area1 + area2) - inter).
static __host__ __device__ inline float rcnn4j_box_iou(float ax1, float ay1, float ax2, float ay2, float area1,
                                                      float bx1, float by1, float bx2, float by2, float area2) {
    float w = rcnn4j_box_nan_max(rcnn4j_box_sub(rcnn4j_box_nan_min(ax2, bx2), rcnn4j_box_nan_max(ax1, bx1)), 0.0f);
    float h = rcnn4j_box_nan_max(rcnn4j_box_sub(rcnn4j_box_nan_min(ay2, by2), rcnn4j_box_nan_max(ay1, by1)), 0.0f);
    float inter = rcnn4j_box_mul(w, h);
    return rcnn4j_box_div(inter, rcnn4j_box_sub(rcnn4j_box_add(area1, area2), inter));
}

// Round half to even (torch.round), exact for every float: |v| >= 2^23 is already an integer.
static __host__ __device__ inline float rcnn4j_box_round_half_even(float v) {
    if (!(fabsf(v) < 8388608.0f)) {
        return v;
    }
    float f = floorf(v);
    float d = v - f;  // exact: f and v are within 1 of each other below 2^23
    if (d > 0.5f) {
        return f + 1.0f;
    }
    if (d < 0.5f) {
        return f;
    }
    return floorf(f * 0.5f) * 2.0f == f ? f : f + 1.0f;
}

// A 32-bit key whose unsigned ascending order is NMS's visiting order: scores descending, all NaNs first (torch
// sorts NaN above every number), -0.0 equal to 0.0. Ties are left to the (stable) sort: index order.
static __host__ __device__ inline unsigned int rcnn4j_box_score_key(float score) {
    unsigned int bits;
    if (score != score) {
        bits = 0x7fc00000u;
    } else if (score == 0.0f) {
        bits = 0u;
    } else {
        bits = rcnn4j_box_float_bits(score);
    }
    // signed-magnitude to an unsigned order (ascending score), then inverted for descending
    unsigned int ascending = (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
    return ~ascending;
}
