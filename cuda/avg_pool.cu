// F.adaptive_avg_pool2d on planes [planes, h, w] (NCHW with planes = N*C) and its gradient, as the CPU family
// (backend/cpu/AvgPoolCpu.java) computes them: cell (i, j) averages rows [floor(i*h/oh), ceil((i+1)*h/oh)) and
// columns [floor(j*w/ow), ceil((j+1)*w/ow)), summed in double in row-major order and divided once, so the float
// result is the CPU's bit for bit. The gradient is a gather: each input element adds, in cell order, the shares of
// the cells whose window holds it (the CPU scatters in the same order), with no atomics.
#include "rcnn4j/cuda_compat.cuh"

static __device__ inline int rcnn4j_avg_pool_start(int o, int in, int out) {
    return (int)(((long long)o * in) / out);
}

static __device__ inline int rcnn4j_avg_pool_end(int o, int in, int out) {
    return (int)((((long long)o + 1) * in + out - 1) / out);
}

// out [planes, oh, ow]. Grid-stride over planes*oh*ow cells; every element written.
extern "C" __global__ void rcnn4j_adaptive_avg_pool2d_forward_f32(const float* __restrict__ x, long long planes,
                                                                  int h, int w, int oh, int ow,
                                                                  float* __restrict__ out) {
    const long long n = planes * oh * ow;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        const int oj = (int)(i % ow);
        const int oi = (int)((i / ow) % oh);
        const float* plane = x + (i / ((long long)oh * ow)) * h * w;
        const int y0 = rcnn4j_avg_pool_start(oi, h, oh);
        const int y1 = rcnn4j_avg_pool_end(oi, h, oh);
        const int x0 = rcnn4j_avg_pool_start(oj, w, ow);
        const int x1 = rcnn4j_avg_pool_end(oj, w, ow);
        double sum = 0.0;
        for (int y = y0; y < y1; y++) {
            for (int xx = x0; xx < x1; xx++) {
                sum += (double)plane[(long long)y * w + xx];
            }
        }
        out[i] = (float)(sum / (double)((y1 - y0) * (x1 - x0)));
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_adaptive_avg_pool2d_forward_f32);

// gi [planes, h, w] from g [planes, oh, ow]. Row r lies in the cells floor(r*oh/h) .. ceil((r+1)*oh/h) - 1 (and
// columns alike). Grid-stride over planes*h*w inputs; every element written.
extern "C" __global__ void rcnn4j_adaptive_avg_pool2d_backward_f32(const float* __restrict__ g, long long planes,
                                                                   int h, int w, int oh, int ow,
                                                                   float* __restrict__ gi) {
    const long long n = planes * h * w;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        const int c = (int)(i % w);
        const int r = (int)((i / w) % h);
        const float* gp = g + (i / ((long long)h * w)) * oh * ow;
        const int i0 = (int)(((long long)r * oh) / h);
        const int i1 = min(oh, (int)((((long long)r + 1) * oh + h - 1) / h));
        const int j0 = (int)(((long long)c * ow) / w);
        const int j1 = min(ow, (int)((((long long)c + 1) * ow + w - 1) / w));
        double sum = 0.0;
        for (int oi = i0; oi < i1; oi++) {
            const int y0 = rcnn4j_avg_pool_start(oi, h, oh);
            const int y1 = rcnn4j_avg_pool_end(oi, h, oh);
            for (int oj = j0; oj < j1; oj++) {
                const int x0 = rcnn4j_avg_pool_start(oj, w, ow);
                const int x1 = rcnn4j_avg_pool_end(oj, w, ow);
                if (r >= y0 && r < y1 && c >= x0 && c < x1) {
                    sum += (double)gp[(long long)oi * ow + oj] / (double)((y1 - y0) * (x1 - x0));
                }
            }
        }
        gi[i] = (float)sum;
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_adaptive_avg_pool2d_backward_f32);
