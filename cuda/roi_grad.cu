// The two helper kernels of the deterministic RoI backward (see cuda/include/rcnn4j/roi_grad.cuh): the largest
// finite |grad_output|, and the conversion of the fixed-point sums to float.
#include "rcnn4j/cuda_compat.cuh"
#include "rcnn4j/roi_grad.cuh"

// *maxAbsBits (zero on entry) becomes the bits of max |v| over the finite values, as a double: non-negative
// doubles order like their bit patterns, so an integer atomicMax finds it (the same result in any order).
template <typename T>
static __device__ inline void rcnn4j_roi_grad_max_abs(const T* __restrict__ values, long long n,
                                                      unsigned long long* maxAbsBits) {
    double m = 0.0;
    const long long stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        double a = fabs((double)values[i]);
        if (a - a == 0.0 && a > m) {
            m = a;
        }
    }
    for (int offset = 16; offset > 0; offset /= 2) {
        double o = __shfl_down_sync(0xffffffffu, m, offset);
        m = o > m ? o : m;
    }
    if ((threadIdx.x & 31) == 0 && m > 0.0) {
        atomicMax(maxAbsBits, (unsigned long long)__double_as_longlong(m));
    }
}

// out[i] keeps a non-zero value (an inf/NaN sum) or becomes fixed[i] / scale.
template <typename T>
static __device__ inline void rcnn4j_roi_grad_from_fixed(const unsigned long long* __restrict__ fixed,
                                                         T* __restrict__ out, long long n,
                                                         const unsigned long long* __restrict__ maxAbsBits,
                                                         long long bound) {
    const double unscale = ldexp(1.0, -rcnn4j_roi_grad_exponent(*maxAbsBits, bound));
    const long long stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        T special = out[i];
        if (special == (T)0) {
            out[i] = (T)((double)(long long)fixed[i] * unscale);
        }
    }
}

// 1-D grids of any size whose blocks are whole warps (grid-stride loops).
extern "C" __global__ void rcnn4j_roi_grad_max_abs_f32(const float* __restrict__ values, long long n,
                                                       unsigned long long* maxAbsBits) {
    rcnn4j_roi_grad_max_abs<float>(values, n, maxAbsBits);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_roi_grad_max_abs_f32);

extern "C" __global__ void rcnn4j_roi_grad_max_abs_f64(const double* __restrict__ values, long long n,
                                                       unsigned long long* maxAbsBits) {
    rcnn4j_roi_grad_max_abs<double>(values, n, maxAbsBits);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_roi_grad_max_abs_f64);

extern "C" __global__ void rcnn4j_roi_grad_from_fixed_f32(const unsigned long long* __restrict__ fixed,
                                                          float* __restrict__ out, long long n,
                                                          const unsigned long long* __restrict__ maxAbsBits,
                                                          long long bound) {
    rcnn4j_roi_grad_from_fixed<float>(fixed, out, n, maxAbsBits, bound);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_roi_grad_from_fixed_f32);

extern "C" __global__ void rcnn4j_roi_grad_from_fixed_f64(const unsigned long long* __restrict__ fixed,
                                                          double* __restrict__ out, long long n,
                                                          const unsigned long long* __restrict__ maxAbsBits,
                                                          long long bound) {
    rcnn4j_roi_grad_from_fixed<double>(fixed, out, n, maxAbsBits, bound);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_roi_grad_from_fixed_f64);
