// BoxCoder.decode_single and encode_single in torchvision's float32 order of operations (see box_math.cuh); exp
// and log are evaluated in double and rounded once to float, as rcnn4j's CPU backend does.
#include "rcnn4j/cuda_compat.cuh"
#include "rcnn4j/box_math.cuh"

// out [k, 4c] = boxes [k,4] moved by relCodes [k, 4c]; dw, dh clamped above at clip (NaN stays NaN).
// One thread per (box, class) (grid-stride).
extern "C" __global__ void rcnn4j_box_coder_decode_f32(const float* __restrict__ relCodes,
                                                       const float* __restrict__ boxes, int k, int c, float wx,
                                                       float wy, float ww, float wh, float clip,
                                                       float* __restrict__ out) {
    long long total = (long long)k * c;
    for (long long e = (long long)blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long)gridDim.x * blockDim.x) {
        const float* b = boxes + 4 * (e / c);
        float width = rcnn4j_box_sub(b[2], b[0]);
        float height = rcnn4j_box_sub(b[3], b[1]);
        float ctrX = rcnn4j_box_add(b[0], rcnn4j_box_mul(0.5f, width));
        float ctrY = rcnn4j_box_add(b[1], rcnn4j_box_mul(0.5f, height));
        const float* r = relCodes + 4 * e;
        float dx = rcnn4j_box_div(r[0], wx);
        float dy = rcnn4j_box_div(r[1], wy);
        float dw = rcnn4j_box_div(r[2], ww);
        float dh = rcnn4j_box_div(r[3], wh);
        dw = (dw != dw || dw < clip) ? dw : clip;
        dh = (dh != dh || dh < clip) ? dh : clip;
        float pcx = rcnn4j_box_add(rcnn4j_box_mul(dx, width), ctrX);
        float pcy = rcnn4j_box_add(rcnn4j_box_mul(dy, height), ctrY);
        float halfW = rcnn4j_box_mul(0.5f, rcnn4j_box_mul((float)exp((double)dw), width));
        float halfH = rcnn4j_box_mul(0.5f, rcnn4j_box_mul((float)exp((double)dh), height));
        float* o = out + 4 * e;
        o[0] = rcnn4j_box_sub(pcx, halfW);
        o[1] = rcnn4j_box_sub(pcy, halfH);
        o[2] = rcnn4j_box_add(pcx, halfW);
        o[3] = rcnn4j_box_add(pcy, halfH);
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_box_coder_decode_f32);

// out [k,4] = regression targets of referenceBoxes [k,4] against proposals [k,4]. One thread per box.
extern "C" __global__ void rcnn4j_box_coder_encode_f32(const float* __restrict__ referenceBoxes,
                                                       const float* __restrict__ proposals, int k, float wx, float wy,
                                                       float ww, float wh, float* __restrict__ out) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < k; i += (long long)gridDim.x * blockDim.x) {
        const float* p = proposals + 4 * i;
        const float* g = referenceBoxes + 4 * i;
        float exW = rcnn4j_box_sub(p[2], p[0]);
        float exH = rcnn4j_box_sub(p[3], p[1]);
        float exCx = rcnn4j_box_add(p[0], rcnn4j_box_mul(0.5f, exW));
        float exCy = rcnn4j_box_add(p[1], rcnn4j_box_mul(0.5f, exH));
        float gtW = rcnn4j_box_sub(g[2], g[0]);
        float gtH = rcnn4j_box_sub(g[3], g[1]);
        float gtCx = rcnn4j_box_add(g[0], rcnn4j_box_mul(0.5f, gtW));
        float gtCy = rcnn4j_box_add(g[1], rcnn4j_box_mul(0.5f, gtH));
        float* o = out + 4 * i;
        o[0] = rcnn4j_box_div(rcnn4j_box_mul(wx, rcnn4j_box_sub(gtCx, exCx)), exW);
        o[1] = rcnn4j_box_div(rcnn4j_box_mul(wy, rcnn4j_box_sub(gtCy, exCy)), exH);
        o[2] = rcnn4j_box_mul(ww, (float)log((double)rcnn4j_box_div(gtW, exW)));
        o[3] = rcnn4j_box_mul(wh, (float)log((double)rcnn4j_box_div(gtH, exH)));
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_box_coder_encode_f32);
