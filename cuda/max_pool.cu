// F.max_pool2d on planes [planes, h, w] (NCHW with planes = N*C): square kernel k, stride s, padding p (padding
// counts as -inf), dilation 1, floor mode, as autograd's CPU kernel (autograd/cpu/MaxPool.java) and with its
// argmax rule: the first maximum in row-major window order wins (strict >), a NaN wins and ends the scan, and the
// first in-image element is taken even when it is -inf. argmax is the flat y*w+x within the plane (int32).
// The gradient is a gather: each input element sums, in output order, the gradients of the outputs whose argmax
// it is, so there are no atomics and the result repeats bit for bit (and equals the CPU's scatter in double).
#include "rcnn4j/cuda_compat.cuh"

// out/argmax [planes, oh, ow]. Grid-stride over planes*oh*ow outputs.
extern "C" __global__ void rcnn4j_max_pool2d_forward_f32(const float* __restrict__ x, long long planes, int h,
                                                         int w, int k, int s, int p, int oh, int ow,
                                                         float* __restrict__ out, int* __restrict__ argmax) {
    const long long n = planes * oh * ow;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        const int ox = (int)(i % ow);
        const int oy = (int)((i / ow) % oh);
        const float* plane = x + (i / ((long long)oh * ow)) * h * w;
        const int y0 = oy * s - p;
        const int x0 = ox * s - p;
        const int yEnd = min(h, y0 + k);
        const int xEnd = min(w, x0 + k);
        float best = -INFINITY;
        int arg = -1;
        bool nan = false;
        for (int y = max(0, y0); y < yEnd && !nan; y++) {
            for (int xx = max(0, x0); xx < xEnd; xx++) {
                const float v = plane[y * w + xx];
                if (v > best || v != v || arg < 0) {
                    best = v;
                    arg = y * w + xx;
                    if (v != v) {
                        nan = true;
                        break;
                    }
                }
            }
        }
        out[i] = best;
        argmax[i] = arg;
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_max_pool2d_forward_f32);

// The first output index o >= 0 whose window [o*s - p, o*s - p + k) reaches in (ceil of (in + p - k + 1) / s).
static __device__ inline int rcnn4j_max_pool_first_out(int in, int k, int s, int p) {
    const int num = in + p - k + 1;
    return num <= 0 ? 0 : (num + s - 1) / s;
}

// gi [planes, h, w] = sum of g [planes, oh, ow] over the outputs whose argmax is the element. Grid-stride over
// planes*h*w inputs; every element written.
extern "C" __global__ void rcnn4j_max_pool2d_backward_f32(const float* __restrict__ g, const int* __restrict__ argmax,
                                                          long long planes, int h, int w, int k, int s, int p,
                                                          int oh, int ow, float* __restrict__ gi) {
    const long long n = planes * h * w;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        const int ix = (int)(i % w);
        const int iy = (int)((i / w) % h);
        const long long o0 = (i / ((long long)h * w)) * oh * ow;
        const int target = iy * w + ix;
        const int oyEnd = min(oh - 1, (iy + p) / s);
        const int oxEnd = min(ow - 1, (ix + p) / s);
        double sum = 0.0;
        for (int oy = rcnn4j_max_pool_first_out(iy, k, s, p); oy <= oyEnd; oy++) {
            for (int ox = rcnn4j_max_pool_first_out(ix, k, s, p); ox <= oxEnd; ox++) {
                const long long o = o0 + (long long)oy * ow + ox;
                if (argmax[o] == target) sum += (double)g[o];
            }
        }
        gi[i] = (float)sum;
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_max_pool2d_backward_f32);
