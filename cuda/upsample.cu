// F.interpolate(mode='nearest', size=(OH, OW)) on planes [planes, H, W] and its gradient. The source index is
// torch's: min(floor(dst * scale), in - 1) with scale = (float) in / out computed by the caller in float32, so a
// non-integer ratio picks the same pixels as torch. The gradient is a gather (each input element sums the output
// elements that read it, a contiguous range since the index map is monotone): no atomics, deterministic.
#include "rcnn4j/cuda_compat.cuh"

static __device__ inline int rcnn4j_upsample_nearest_src(int dst, float scale, int in) {
    const int s = (int)floorf((float)dst * scale);
    return s < in - 1 ? s : in - 1;
}

// The first output index whose source is >= src (out if none).
static __device__ inline int rcnn4j_upsample_nearest_first(int src, float scale, int in, int out) {
    int d = (int)((float)src / scale);
    if (d > out) d = out;
    if (d < 0) d = 0;
    while (d > 0 && rcnn4j_upsample_nearest_src(d - 1, scale, in) >= src) d--;
    while (d < out && rcnn4j_upsample_nearest_src(d, scale, in) < src) d++;
    return d;
}

template <typename T>
static __device__ inline void rcnn4j_upsample_nearest_forward_run(const T* __restrict__ x, T* __restrict__ y,
                                                                  long long planes, int H, int W, int OH, int OW,
                                                                  float scaleH, float scaleW) {
    const long long n = planes * OH * OW;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        const int ox = (int)(i % OW);
        const int oy = (int)((i / OW) % OH);
        const long long p = i / ((long long)OW * OH);
        const int iy = rcnn4j_upsample_nearest_src(oy, scaleH, H);
        const int ix = rcnn4j_upsample_nearest_src(ox, scaleW, W);
        y[i] = x[(p * H + iy) * W + ix];
    }
}

template <typename T>
static __device__ inline void rcnn4j_upsample_nearest_backward_run(const T* __restrict__ gy, T* __restrict__ gx,
                                                                   long long planes, int H, int W, int OH, int OW,
                                                                   float scaleH, float scaleW) {
    const long long n = planes * H * W;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        const int ix = (int)(i % W);
        const int iy = (int)((i / W) % H);
        const long long p = i / ((long long)W * H);
        const int y0 = rcnn4j_upsample_nearest_first(iy, scaleH, H, OH);
        const int x0 = rcnn4j_upsample_nearest_first(ix, scaleW, W, OW);
        T sum = (T)0;
        for (int oy = y0; oy < OH && rcnn4j_upsample_nearest_src(oy, scaleH, H) == iy; oy++) {
            const T* row = gy + (p * OH + oy) * OW;
            for (int ox = x0; ox < OW && rcnn4j_upsample_nearest_src(ox, scaleW, W) == ix; ox++) {
                sum += row[ox];
            }
        }
        gx[i] = sum;
    }
}

// x [planes,H,W] -> y [planes,OH,OW]. Grid-stride over output elements.
extern "C" __global__ void rcnn4j_upsample_nearest_forward_f32(const float* __restrict__ x, float* __restrict__ y,
                                                               long long planes, int H, int W, int OH, int OW,
                                                               float scaleH, float scaleW) {
    rcnn4j_upsample_nearest_forward_run<float>(x, y, planes, H, W, OH, OW, scaleH, scaleW);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_upsample_nearest_forward_f32);

extern "C" __global__ void rcnn4j_upsample_nearest_forward_f64(const double* __restrict__ x, double* __restrict__ y,
                                                               long long planes, int H, int W, int OH, int OW,
                                                               float scaleH, float scaleW) {
    rcnn4j_upsample_nearest_forward_run<double>(x, y, planes, H, W, OH, OW, scaleH, scaleW);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_upsample_nearest_forward_f64);

// gy [planes,OH,OW] -> gx [planes,H,W], every element written. Grid-stride over input elements.
extern "C" __global__ void rcnn4j_upsample_nearest_backward_f32(const float* __restrict__ gy, float* __restrict__ gx,
                                                                long long planes, int H, int W, int OH, int OW,
                                                                float scaleH, float scaleW) {
    rcnn4j_upsample_nearest_backward_run<float>(gy, gx, planes, H, W, OH, OW, scaleH, scaleW);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_upsample_nearest_backward_f32);

extern "C" __global__ void rcnn4j_upsample_nearest_backward_f64(const double* __restrict__ gy,
                                                                double* __restrict__ gx, long long planes, int H,
                                                                int W, int OH, int OW, float scaleH, float scaleW) {
    rcnn4j_upsample_nearest_backward_run<double>(gy, gx, planes, H, W, OH, OW, scaleH, scaleW);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_upsample_nearest_backward_f64);
