// RoI geometry shared by roi_align and roi_pool: torchvision's bilinear sample rule (roi_align_common.h), the
// batch-index guard and float->integer conversions that are defined for every input (NaN, huge values), so a
// bad RoI gives a defined result instead of undefined behaviour on the host-compiled emulator or a wild index.
#pragma once

#include "rcnn4j/cuda_compat.cuh"

// Products rounded on their own: nvcc would otherwise fuse x*scale - offset or start + p*bin into one FMA and
// place samples differently from torchvision's CPU kernel (and from rcnn4j's CPU backend).
static __host__ __device__ inline float rcnn4j_roi_mul(float a, float b) {
#if defined(__CUDA_ARCH__)
    return __fmul_rn(a, b);
#else
    return a * b;
#endif
}

static __host__ __device__ inline double rcnn4j_roi_mul(double a, double b) {
#if defined(__CUDA_ARCH__)
    return __dmul_rn(a, b);
#else
    return a * b;
#endif
}

// Truncation toward zero saturated to long long, NaN -> 0 (C++'s cast is undefined out of range).
static __host__ __device__ inline long long rcnn4j_roi_to_ll(double v) {
    if (!(v == v)) {
        return 0;
    }
    if (v >= 9.0e18) {
        return 9000000000000000000LL;
    }
    if (v <= -9.0e18) {
        return -9000000000000000000LL;
    }
    return (long long)v;
}

// Truncation toward zero saturated to int, NaN -> 0.
static __host__ __device__ inline int rcnn4j_roi_to_int(double v) {
    if (!(v == v)) {
        return 0;
    }
    if (v >= 2147483647.0) {
        return 2147483647;
    }
    if (v <= -2147483648.0) {
        return (int)(-2147483647 - 1);
    }
    return (int)v;
}

// The image a RoI belongs to (column 0, truncated toward zero), or -1 when it is not in [0, batchSize) or NaN.
template <typename T>
static __host__ __device__ inline int rcnn4j_roi_batch(T v, int batchSize) {
    return (v > (T)-1 && v < (T)batchSize) ? (int)v : -1;
}

// One bilinear sample along one axis: the two neighbouring cells and their weights. low < 0 marks a sample
// outside [-1, extent] (it contributes nothing but still counts in the bin average).
template <typename T>
struct Rcnn4jBilinearTap {
    int low;
    int high;
    T wLow;
    T wHigh;
};

// torchvision's rule: outside [-1, extent] -> no contribution (written so NaN is outside); clamp at 0; both
// neighbours are the last cell from extent-1 on.
template <typename T>
static __host__ __device__ inline Rcnn4jBilinearTap<T> rcnn4j_bilinear_tap(T y, int extent) {
    Rcnn4jBilinearTap<T> t;
    if (extent <= 0 || !(y >= (T)-1 && y <= (T)extent)) {
        t.low = -1;
        t.high = -1;
        t.wLow = 0;
        t.wHigh = 0;
        return t;
    }
    if (y <= 0) {
        y = 0;
    }
    int low = (int)y;
    int high;
    if (low >= extent - 1) {
        low = extent - 1;
        high = low;
        y = (T)low;
    } else {
        high = low + 1;
    }
    T l = y - (T)low;
    t.low = low;
    t.high = high;
    t.wLow = (T)1 - l;
    t.wHigh = l;
    return t;
}

// roi_align's sampling along one axis of one RoI: start, bin size and samples per bin, from the RoI's corners
// c1, c2 in input coordinates.
template <typename T>
struct Rcnn4jRoiAxis {
    T start;
    T bin;
    int grid;
};

template <typename T>
static __host__ __device__ inline Rcnn4jRoiAxis<T> rcnn4j_roi_align_axis(T c1, T c2, T spatialScale, int pooled,
                                                                        int samplingRatio, int aligned) {
    T offset = aligned ? (T)0.5 : (T)0;
    T start = rcnn4j_roi_mul(c1, spatialScale) - offset;
    T end = rcnn4j_roi_mul(c2, spatialScale) - offset;
    T length = end - start;
    if (!aligned && length < (T)1) {  // max(length, 1), leaving NaN as it is (as std::max(NaN, 1) does)
        length = (T)1;
    }
    Rcnn4jRoiAxis<T> a;
    a.start = start;
    a.bin = length / (T)pooled;
    a.grid = samplingRatio > 0 ? samplingRatio : rcnn4j_roi_to_int(ceil((double)(length / (T)pooled)));
    return a;
}

// Coordinate of sample i of bin p, in torchvision's order of operations.
template <typename T>
static __host__ __device__ inline T rcnn4j_roi_align_sample(const Rcnn4jRoiAxis<T>& a, int p, int i) {
    return a.start + rcnn4j_roi_mul((T)p, a.bin) + (T)((T)i + (T)0.5) * a.bin / (T)a.grid;
}

// roi_pool's bin edges along one axis: [lo, hi) of bin p clipped to [0, extent], from the rounded RoI start
// and its legacy inclusive length (both computed by rcnn4j_roi_pool_start_length).
template <typename T>
static __host__ __device__ inline void rcnn4j_roi_pool_bin(long long start, T bin, int p, int extent, int* lo,
                                                           int* hi) {
    long long a = rcnn4j_roi_to_ll(floor((double)rcnn4j_roi_mul((T)p, bin))) + start;
    long long b = rcnn4j_roi_to_ll(ceil((double)rcnn4j_roi_mul((T)(p + 1), bin))) + start;
    *lo = (int)(a < 0 ? 0 : (a > extent ? extent : a));
    *hi = (int)(b < 0 ? 0 : (b > extent ? extent : b));
}

// roi_pool's RoI along one axis: start = round(c1 * scale) (halves away from zero), length = max(end - start
// + 1, 1), returned with the float bin size length / pooled.
template <typename T>
static __host__ __device__ inline T rcnn4j_roi_pool_axis(T c1, T c2, T spatialScale, int pooled, long long* start) {
    long long s = rcnn4j_roi_to_ll(round((double)rcnn4j_roi_mul(c1, spatialScale)));
    long long e = rcnn4j_roi_to_ll(round((double)rcnn4j_roi_mul(c2, spatialScale)));
    long long length = e - s + 1 > 1 ? e - s + 1 : 1;
    *start = s;
    return (T)length / (T)pooled;
}
