// Where the RoI backward kernels (roi_align, roi_pool) add their contributions to the input gradient.
//
// Scattering with float atomicAdd makes the summation order, and so the last bits of each sum, vary from run to
// run. The deterministic mode adds fixed-point integers instead: integer addition is associative, so any order
// gives the same sum. The scale is chosen from the largest finite |grad_output| (one reduction kernel, see
// cuda/roi_grad.cu) so that no sum can overflow: every contribution is at most max|g| in magnitude (roi_align's
// bilinear weights of one bin sum to at most 1 for any input element, roi_pool adds g itself), and an element gets
// at most `bound` = K * PH * PW of them, so sums stay below 2^62 with scale 2^(62 - E - L), max|g| < 2^E,
// bound < 2^L. The resolution is max|g| * bound * 2^-62, far below float32 rounding of the gradient.
//
// Non-finite contributions (inf/NaN in grad_output) are added with float atomics to the output buffer itself
// (zeroed first): sums of infinities and NaNs are the same in any order, and the conversion kernel keeps a
// non-zero (inf/NaN) value there instead of the fixed-point sum.
#pragma once

#include "rcnn4j/cuda_compat.cuh"

// The power-of-two exponent of the fixed-point scale, from the bits of max|g| (a double) and the bound.
static __device__ inline int rcnn4j_roi_grad_exponent(unsigned long long maxAbsBits, long long bound) {
    double maxAbs = __longlong_as_double((long long)maxAbsBits);
    if (!(maxAbs > 0.0) || maxAbs - maxAbs != 0.0) {
        return 0;  // all zero: any scale
    }
    int e;
    frexp(maxAbs, &e);  // maxAbs < 2^e
    int l = 0;
    while (l < 62 && (1LL << l) <= bound) {
        l++;  // bound < 2^l
    }
    int exponent = 62 - e - l;
    // keeps 2^exponent and 2^-exponent finite doubles (only float64 gradients beyond 1e+-280 reach the limits)
    return exponent > 1000 ? 1000 : (exponent < -1000 ? -1000 : exponent);
}

// Float atomics into out (non-deterministic order), the default.
template <typename T>
struct Rcnn4jRoiGradAtomic {
    T* out;

    __device__ inline void add(long long index, T v) const {
        atomicAdd(out + index, v);
    }
};

// Fixed-point integer atomics into fixed (deterministic); inf/NaN into out.
template <typename T>
struct Rcnn4jRoiGradFixed {
    T* out;
    unsigned long long* fixed;
    double scale;

    __device__ inline void add(long long index, T v) const {
        if (v - v != (T)0) {
            atomicAdd(out + index, v);
            return;
        }
        long long q = llrint((double)v * scale);
        atomicAdd(fixed + index, (unsigned long long)q);
    }
};

template <typename T>
static __device__ inline Rcnn4jRoiGradFixed<T> rcnn4j_roi_grad_fixed(T* out, unsigned long long* fixed,
                                                                    const unsigned long long* maxAbsBits,
                                                                    long long bound) {
    Rcnn4jRoiGradFixed<T> s;
    s.out = out;
    s.fixed = fixed;
    s.scale = ldexp(1.0, rcnn4j_roi_grad_exponent(*maxAbsBits, bound));
    return s;
}
