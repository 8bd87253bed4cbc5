// Per-channel kernels batch norm is built from (F.batch_norm, FrozenBatchNorm2d): a channel affine map
// y = x * scale[c] + shift[c] and per-channel sums over batch and pixels (of x, or of x * y). Tensors are
// [N, C, P] with P the pixels per channel plane; scale or shift may be absent (1 and 0).
#include "rcnn4j/cuda_compat.cuh"

#define RCNN4J_BATCH_NORM_SUM_THREADS 256

template <typename T>
static __device__ inline void rcnn4j_batch_norm_affine_run(const T* __restrict__ x, const T* __restrict__ scale,
                                                           const T* __restrict__ shift, int hasScale, int hasShift,
                                                           T* __restrict__ out, int C, long long P, long long n) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        const int c = (int)((i / P) % C);
        T v = x[i];
        if (hasScale) v = v * scale[c];
        if (hasShift) v = v + shift[c];
        out[i] = v;
    }
}

// out [N,C,P] = x * scale[c] + shift[c]; n = N*C*P. Grid-stride over elements.
extern "C" __global__ void rcnn4j_batch_norm_channel_affine_f32(const float* __restrict__ x,
                                                                const float* __restrict__ scale,
                                                                const float* __restrict__ shift, int hasScale,
                                                                int hasShift, float* __restrict__ out, int C,
                                                                long long P, long long n) {
    rcnn4j_batch_norm_affine_run<float>(x, scale, shift, hasScale, hasShift, out, C, P, n);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_batch_norm_channel_affine_f32);

extern "C" __global__ void rcnn4j_batch_norm_channel_affine_f64(const double* __restrict__ x,
                                                                const double* __restrict__ scale,
                                                                const double* __restrict__ shift, int hasScale,
                                                                int hasShift, double* __restrict__ out, int C,
                                                                long long P, long long n) {
    rcnn4j_batch_norm_affine_run<double>(x, scale, shift, hasScale, hasShift, out, C, P, n);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_batch_norm_channel_affine_f64);

// out[c] = sum over n, p of x[n][c][p] (* y[n][c][p] when hasY): one block per channel, strided partial sums
// then a tree in shared memory, so the result does not depend on scheduling. F32 sums are kept in float.
template <typename T>
static __device__ inline void rcnn4j_batch_norm_sum_run(const T* __restrict__ x, const T* __restrict__ y, int hasY,
                                                        T* __restrict__ out, int N, int C, long long P,
                                                        T* partial) {
    const int c = blockIdx.x;
    const long long count = (long long)N * P;
    T sum = (T)0;
    for (long long i = threadIdx.x; i < count; i += RCNN4J_BATCH_NORM_SUM_THREADS) {
        const long long n = i / P;
        const long long at = (n * C + c) * P + (i - n * P);
        sum += hasY ? x[at] * y[at] : x[at];
    }
    partial[threadIdx.x] = sum;
    __syncthreads();
    for (int half = RCNN4J_BATCH_NORM_SUM_THREADS / 2; half > 0; half /= 2) {
        if ((int)threadIdx.x < half) partial[threadIdx.x] += partial[threadIdx.x + half];
        __syncthreads();
    }
    if (threadIdx.x == 0) out[c] = partial[0];
}

// Grid: (C), 256 threads.
extern "C" __global__ void rcnn4j_batch_norm_channel_sum_f32(const float* __restrict__ x,
                                                             const float* __restrict__ y, int hasY,
                                                             float* __restrict__ out, int N, int C, long long P) {
    __shared__ float partial[RCNN4J_BATCH_NORM_SUM_THREADS];
    rcnn4j_batch_norm_sum_run<float>(x, y, hasY, out, N, C, P, partial);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_batch_norm_channel_sum_f32);

extern "C" __global__ void rcnn4j_batch_norm_channel_sum_f64(const double* __restrict__ x,
                                                             const double* __restrict__ y, int hasY,
                                                             double* __restrict__ out, int N, int C, long long P) {
    __shared__ double partial[RCNN4J_BATCH_NORM_SUM_THREADS];
    rcnn4j_batch_norm_sum_run<double>(x, y, hasY, out, N, C, P, partial);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_batch_norm_channel_sum_f64);
