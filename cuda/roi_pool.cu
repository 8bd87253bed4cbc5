// torchvision.ops.roi_pool (forward with argmax, input gradient), float32 and float64.
//
// Forward: one thread per output element (k, c, ph, pw) in NCHW order, so a warp's stores are contiguous; the
// bin's edges take a few roundings per thread, cheaper than a trip through shared memory. An empty bin outputs
// 0 with argmax -1; otherwise the first maximum in row-major order wins (strict > from -FLT_MAX, as torchvision
// does for every dtype). A RoI whose batch index is not in [0, N) (or NaN) outputs 0 / -1.
//
// Backward: one thread per gradient element adds it at its argmax, with float atomicAdd (the summation order,
// and the last bits of a sum, can vary between runs, as in torchvision's CUDA kernel) or, in the _fixed kernels,
// with fixed-point integer atomics that give the same bits on every run (cuda/include/rcnn4j/roi_grad.cuh).
#include "rcnn4j/cuda_compat.cuh"
#include "rcnn4j/bilinear.cuh"
#include "rcnn4j/roi_grad.cuh"

template <typename T>
static __device__ inline void rcnn4j_roi_pool_forward(const T* __restrict__ input, const T* __restrict__ boxes,
                                                      T* __restrict__ output, int* __restrict__ argmax,
                                                      int numRois, int channels, int height, int width,
                                                      int batchSize, int pooledH, int pooledW, T spatialScale) {
    const long long total = (long long)numRois * channels * pooledH * pooledW;
    const long long stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += stride) {
        int pw = (int)(i % pooledW);
        int ph = (int)((i / pooledW) % pooledH);
        int c = (int)((i / ((long long)pooledW * pooledH)) % channels);
        long long k = i / ((long long)pooledW * pooledH * channels);
        const T* box = boxes + 5 * k;
        int b = rcnn4j_roi_batch(box[0], batchSize);
        long long startY;
        long long startX;
        T binH = rcnn4j_roi_pool_axis(box[2], box[4], spatialScale, pooledH, &startY);
        T binW = rcnn4j_roi_pool_axis(box[1], box[3], spatialScale, pooledW, &startX);
        int y0, y1, x0, x1;
        rcnn4j_roi_pool_bin(startY, binH, ph, height, &y0, &y1);
        rcnn4j_roi_pool_bin(startX, binW, pw, width, &x0, &x1);
        T best = 0;
        int arg = -1;
        if (b >= 0 && y1 > y0 && x1 > x0) {
            best = (T)-3.402823466e+38F;
            const T* p = input + ((long long)b * channels + c) * height * width;
            for (int y = y0; y < y1; y++) {
                for (int x = x0; x < x1; x++) {
                    T v = __ldg(p + (long long)y * width + x);
                    if (v > best) {
                        best = v;
                        arg = y * width + x;
                    }
                }
            }
        }
        output[i] = best;
        argmax[i] = arg;
    }
}

// The sink's buffers must be zero on entry; argmax entries outside [-1, H*W) are ignored.
template <typename T, typename I, typename Sink>
static __device__ inline void rcnn4j_roi_pool_backward(const T* __restrict__ gradOutput, const T* __restrict__ boxes,
                                                       const I* __restrict__ argmax, const Sink& sink,
                                                       int numRois, int channels, int height, int width,
                                                       int batchSize, int pooledH, int pooledW) {
    const long long total = (long long)numRois * channels * pooledH * pooledW;
    const long long stride = (long long)gridDim.x * blockDim.x;
    const int plane = height * width;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += stride) {
        I a = argmax[i];
        if (a < 0 || a >= (I)plane) {
            continue;
        }
        int c = (int)((i / ((long long)pooledW * pooledH)) % channels);
        long long k = i / ((long long)pooledW * pooledH * channels);
        int b = rcnn4j_roi_batch(boxes[5 * k], batchSize);
        if (b < 0) {
            continue;
        }
        sink.add(((long long)b * channels + c) * plane + a, gradOutput[i]);
    }
}

// input [N,C,H,W], boxes [K,5], output [K,C,pooledH,pooledW], argmax I32 of the same shape; 1-D grid of any size
// (grid-stride loop).
extern "C" __global__ void rcnn4j_roi_pool_forward_f32(const float* __restrict__ input,
                                                       const float* __restrict__ boxes, float* __restrict__ output,
                                                       int* __restrict__ argmax, int numRois, int channels,
                                                       int height, int width, int batchSize, int pooledH,
                                                       int pooledW, float spatialScale) {
    rcnn4j_roi_pool_forward<float>(input, boxes, output, argmax, numRois, channels, height, width, batchSize,
                                   pooledH, pooledW, spatialScale);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_roi_pool_forward_f32);

extern "C" __global__ void rcnn4j_roi_pool_forward_f64(const double* __restrict__ input,
                                                       const double* __restrict__ boxes,
                                                       double* __restrict__ output, int* __restrict__ argmax,
                                                       int numRois, int channels, int height, int width,
                                                       int batchSize, int pooledH, int pooledW,
                                                       double spatialScale) {
    rcnn4j_roi_pool_forward<double>(input, boxes, output, argmax, numRois, channels, height, width, batchSize,
                                    pooledH, pooledW, spatialScale);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_roi_pool_forward_f64);

// gradOutput [K,C,pooledH,pooledW], boxes [K,5], argmax (I32, or I64 for the _i64 kernels) like gradOutput,
// gradInput [N,C,H,W] zeroed by the caller; 1-D grid of any size.
#define RCNN4J_ROI_POOL_BACKWARD(name, T, I)                                                                   \
    extern "C" __global__ void name(const T* __restrict__ gradOutput, const T* __restrict__ boxes,            \
                                    const I* __restrict__ argmax, T* __restrict__ gradInput, int numRois,     \
                                    int channels, int height, int width, int batchSize, int pooledH,          \
                                    int pooledW) {                                                            \
        Rcnn4jRoiGradAtomic<T> sink;                                                                          \
        sink.out = gradInput;                                                                                 \
        rcnn4j_roi_pool_backward<T, I>(gradOutput, boxes, argmax, sink, numRois, channels, height, width,     \
                                       batchSize, pooledH, pooledW);                                          \
    }                                                                                                         \
    RCNN4J_REGISTER_KERNEL(name)

RCNN4J_ROI_POOL_BACKWARD(rcnn4j_roi_pool_backward_f32, float, int);
RCNN4J_ROI_POOL_BACKWARD(rcnn4j_roi_pool_backward_f64, double, int);
RCNN4J_ROI_POOL_BACKWARD(rcnn4j_roi_pool_backward_f32_i64, float, long long);
RCNN4J_ROI_POOL_BACKWARD(rcnn4j_roi_pool_backward_f64_i64, double, long long);

// Deterministic: as above, plus fixed [N,C,H,W] (unsigned long long, zeroed), maxAbsBits from
// rcnn4j_roi_grad_max_abs over gradOutput and bound = K * pooledH * pooledW; rcnn4j_roi_grad_from_fixed then
// turns fixed into gradInput (which collects only inf/NaN here).
#define RCNN4J_ROI_POOL_BACKWARD_FIXED(name, T, I)                                                             \
    extern "C" __global__ void name(const T* __restrict__ gradOutput, const T* __restrict__ boxes,            \
                                    const I* __restrict__ argmax, T* __restrict__ gradInput,                  \
                                    unsigned long long* __restrict__ fixed,                                   \
                                    const unsigned long long* __restrict__ maxAbsBits, long long bound,       \
                                    int numRois, int channels, int height, int width, int batchSize,          \
                                    int pooledH, int pooledW) {                                               \
        Rcnn4jRoiGradFixed<T> sink = rcnn4j_roi_grad_fixed<T>(gradInput, fixed, maxAbsBits, bound);           \
        rcnn4j_roi_pool_backward<T, I>(gradOutput, boxes, argmax, sink, numRois, channels, height, width,     \
                                       batchSize, pooledH, pooledW);                                          \
    }                                                                                                         \
    RCNN4J_REGISTER_KERNEL(name)

RCNN4J_ROI_POOL_BACKWARD_FIXED(rcnn4j_roi_pool_backward_fixed_f32, float, int);
RCNN4J_ROI_POOL_BACKWARD_FIXED(rcnn4j_roi_pool_backward_fixed_f64, double, int);
RCNN4J_ROI_POOL_BACKWARD_FIXED(rcnn4j_roi_pool_backward_fixed_f32_i64, float, long long);
RCNN4J_ROI_POOL_BACKWARD_FIXED(rcnn4j_roi_pool_backward_fixed_f64_i64, double, long long);
