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

// Training batch norm's per-channel bookkeeping, kept on the device (issue 13): the same double arithmetic the
// host did on read-back statistics, one thread per channel, with explicitly rounded operations so that nvcc's
// contraction into fused multiply-adds cannot change a bit. T is the tensors' dtype (float or double).

// state[c] = mean = sums[c] * invCount (double); negMean[c] = -mean rounded to T.
template <typename T>
static __device__ inline void rcnn4j_batch_norm_mean_run(const T* __restrict__ sums, int C, double invCount,
                                                         double* __restrict__ state, T* __restrict__ negMean) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < C; i += (long long)gridDim.x * blockDim.x) {
        double mean = __dmul_rn((double)sums[i], invCount);
        state[i] = mean;
        negMean[i] = (T)(-mean);
    }
}

extern "C" __global__ void rcnn4j_batch_norm_mean_f32(const float* __restrict__ sums, int C, double invCount,
                                                      double* __restrict__ state, float* __restrict__ negMean) {
    rcnn4j_batch_norm_mean_run<float>(sums, C, invCount, state, negMean);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_batch_norm_mean_f32);

extern "C" __global__ void rcnn4j_batch_norm_mean_f64(const double* __restrict__ sums, int C, double invCount,
                                                      double* __restrict__ state, double* __restrict__ negMean) {
    rcnn4j_batch_norm_mean_run<double>(sums, C, invCount, state, negMean);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_batch_norm_mean_f64);

// From mean (double [C]) and the sums of squared deviations: var = squares * invCount; the running statistics
// (either may be null) become keep * r + momentum * mean and keep * r + momentum * var * unbias, rounded to T;
// state [3, C] = {mean, invstd, a} in double and values [2, C] = {a, shift} rounded to T, with
// invstd = 1 / sqrt(var + eps), a = weight * invstd, shift = bias - mean * a (weight 1, bias 0 when null).
template <typename T>
static __device__ inline void rcnn4j_batch_norm_coefficients_run(
        const double* __restrict__ mean, const T* __restrict__ squares, T* runningMean, T* runningVar,
        const T* __restrict__ weight, const T* __restrict__ bias, int C, double invCount, double keep,
        double momentum, double unbias, double eps, double* __restrict__ state, T* __restrict__ values) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < C; i += (long long)gridDim.x * blockDim.x) {
        double m = mean[i];
        double var = __dmul_rn((double)squares[i], invCount);
        if (runningMean != nullptr) {
            runningMean[i] = (T)__dadd_rn(__dmul_rn(keep, (double)runningMean[i]), __dmul_rn(momentum, m));
        }
        if (runningVar != nullptr) {
            runningVar[i] = (T)__dadd_rn(__dmul_rn(keep, (double)runningVar[i]),
                                         __dmul_rn(__dmul_rn(momentum, var), unbias));
        }
        double invstd = 1.0 / sqrt(__dadd_rn(var, eps));
        double a = __dmul_rn(weight == nullptr ? 1.0 : (double)weight[i], invstd);
        double shift = __dadd_rn(bias == nullptr ? 0.0 : (double)bias[i], -__dmul_rn(m, a));
        state[i] = m;
        state[C + i] = invstd;
        state[2 * C + i] = a;
        values[i] = (T)a;
        values[C + i] = (T)shift;
    }
}

extern "C" __global__ void rcnn4j_batch_norm_coefficients_f32(
        const double* __restrict__ mean, const float* __restrict__ squares, float* runningMean, float* runningVar,
        const float* __restrict__ weight, const float* __restrict__ bias, int C, double invCount, double keep,
        double momentum, double unbias, double eps, double* __restrict__ state, float* __restrict__ values) {
    rcnn4j_batch_norm_coefficients_run<float>(mean, squares, runningMean, runningVar, weight, bias, C, invCount, keep,
                                              momentum, unbias, eps, state, values);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_batch_norm_coefficients_f32);

extern "C" __global__ void rcnn4j_batch_norm_coefficients_f64(
        const double* __restrict__ mean, const double* __restrict__ squares, double* runningMean, double* runningVar,
        const double* __restrict__ weight, const double* __restrict__ bias, int C, double invCount, double keep,
        double momentum, double unbias, double eps, double* __restrict__ state, double* __restrict__ values) {
    rcnn4j_batch_norm_coefficients_run<double>(mean, squares, runningMean, runningVar, weight, bias, C, invCount,
                                               keep, momentum, unbias, eps, state, values);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_batch_norm_coefficients_f64);

// The backward's per-channel terms from state [3, C] = {mean, invstd, a} and the sums of g and g * x:
// dgamma = invstd * (sumDyX - mean * sumDy), p = -a * invstd * dgamma / count, q = -a * sumDy / count - p * mean;
// out [4, C] = {dgamma, a, p, q} rounded to T (d input = a * g + p * x + q).
template <typename T>
static __device__ inline void rcnn4j_batch_norm_backward_terms_run(const double* __restrict__ state,
                                                                   const T* __restrict__ sumDy,
                                                                   const T* __restrict__ sumDyX, int C, double count,
                                                                   T* __restrict__ out) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < C; i += (long long)gridDim.x * blockDim.x) {
        double mean = state[i];
        double invstd = state[C + i];
        double a = state[2 * C + i];
        double sdy = (double)sumDy[i];
        double sdyx = (double)sumDyX[i];
        double dgamma = __dmul_rn(invstd, __dadd_rn(sdyx, -__dmul_rn(mean, sdy)));
        double p = __dmul_rn(__dmul_rn(-a, invstd), dgamma) / count;
        double q = __dadd_rn(__dmul_rn(-a, sdy) / count, -__dmul_rn(p, mean));
        out[i] = (T)dgamma;
        out[C + i] = (T)a;
        out[2 * C + i] = (T)p;
        out[3 * C + i] = (T)q;
    }
}

extern "C" __global__ void rcnn4j_batch_norm_backward_terms_f32(const double* __restrict__ state,
                                                                const float* __restrict__ sumDy,
                                                                const float* __restrict__ sumDyX, int C, double count,
                                                                float* __restrict__ out) {
    rcnn4j_batch_norm_backward_terms_run<float>(state, sumDy, sumDyX, C, count, out);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_batch_norm_backward_terms_f32);

extern "C" __global__ void rcnn4j_batch_norm_backward_terms_f64(const double* __restrict__ state,
                                                                const double* __restrict__ sumDy,
                                                                const double* __restrict__ sumDyX, int C,
                                                                double count, double* __restrict__ out) {
    rcnn4j_batch_norm_backward_terms_run<double>(state, sumDy, sumDyX, C, count, out);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_batch_norm_backward_terms_f64);
