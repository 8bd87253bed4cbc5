// The tiled GEMM core shared by cuda/gemm.cu and cuda/conv2d.cu: a block of 256 threads computes a 64 x 64 tile
// of C = A·B, stepping through K 16 at a time. Each step stages a 64 x 16 tile of A and a 16 x 64 tile of B in
// shared memory (through registers, so the next step's global loads overlap this step's arithmetic), then every
// thread accumulates a 4 x 4 register block: rows ty + 16i, columns tx + 16j (tx = tid % 16, ty = tid / 16), so a
// half-warp reads 16 consecutive shared words and stores 16 consecutive outputs.
//
// Operands are reached through loaders, which is what lets convolutions gather im2col elements on the fly
// (implicit GEMM) instead of materializing them. A loader stages RCNN4J_GT_LOADS elements per thread per step:
//   fetch(k0, r): reads this thread's elements of the step starting at k0 into r (zero outside the matrix);
//   put(tile, r): writes them to the shared tile, As[k][i] or Bs[k][j].
// The rcnn4j_gt_* mapping helpers give the two element-to-thread mappings: along K (for operands contiguous in K)
// or along M/N (contiguous in M/N). Shared tiles have one column of padding against bank conflicts.
#pragma once

#include "rcnn4j/cuda_compat.cuh"

#define RCNN4J_GT_BM 64
#define RCNN4J_GT_BN 64
#define RCNN4J_GT_BK 16
#define RCNN4J_GT_THREADS 256
#define RCNN4J_GT_LOADS 4
#define RCNN4J_GT_PAD 65

// Mapping "along K": element q of thread t is (row t/16 + 16q, k t%16) of the 64 x 16 step.
static __device__ inline int rcnn4j_gt_k_major_row(int t, int q) { return t / RCNN4J_GT_BK + 16 * q; }
static __device__ inline int rcnn4j_gt_k_major_k(int t) { return t % RCNN4J_GT_BK; }
// Mapping "along M/N": element q of thread t is (row t%64, k t/64 + 4q).
static __device__ inline int rcnn4j_gt_mn_major_row(int t) { return t % RCNN4J_GT_BM; }
static __device__ inline int rcnn4j_gt_mn_major_k(int t, int q) { return t / RCNN4J_GT_BM + 4 * q; }

template <typename T>
static __device__ inline void rcnn4j_gt_put(T (*tile)[RCNN4J_GT_PAD], const T* r, bool alongK) {
    const int t = threadIdx.x;
    if (alongK) {
#pragma unroll
        for (int q = 0; q < RCNN4J_GT_LOADS; ++q) tile[rcnn4j_gt_k_major_k(t)][rcnn4j_gt_k_major_row(t, q)] = r[q];
    } else {
#pragma unroll
        for (int q = 0; q < RCNN4J_GT_LOADS; ++q) tile[rcnn4j_gt_mn_major_k(t, q)][rcnn4j_gt_mn_major_row(t)] = r[q];
    }
}

// acc = sum over k in [kBegin, kEnd) of A[row][k] * B[k][col] for this thread's 4 x 4 outputs. kBegin is a
// multiple of RCNN4J_GT_BK; loaders zero elements at k >= K, so kEnd may end inside a step. Every thread of the
// block must call this (it synchronizes the block).
template <typename T, class LA, class LB>
static __device__ inline void rcnn4j_gt_mainloop(const LA& la, const LB& lb, int kBegin, int kEnd,
                                                 T (*As)[RCNN4J_GT_PAD], T (*Bs)[RCNN4J_GT_PAD], T acc[4][4]) {
    const int tx = threadIdx.x % 16;
    const int ty = threadIdx.x / 16;
#pragma unroll
    for (int i = 0; i < 4; ++i) {
#pragma unroll
        for (int j = 0; j < 4; ++j) acc[i][j] = (T)0;
    }
    if (kBegin >= kEnd) return;
    T ra[RCNN4J_GT_LOADS];
    T rb[RCNN4J_GT_LOADS];
    la.fetch(kBegin, ra);
    lb.fetch(kBegin, rb);
    for (int k0 = kBegin; k0 < kEnd; k0 += RCNN4J_GT_BK) {
        la.put(As, ra);
        lb.put(Bs, rb);
        __syncthreads();
        if (k0 + RCNN4J_GT_BK < kEnd) {
            la.fetch(k0 + RCNN4J_GT_BK, ra);
            lb.fetch(k0 + RCNN4J_GT_BK, rb);
        }
#pragma unroll
        for (int kk = 0; kk < RCNN4J_GT_BK; ++kk) {
            T a[4];
            T b[4];
#pragma unroll
            for (int i = 0; i < 4; ++i) a[i] = As[kk][ty + 16 * i];
#pragma unroll
            for (int j = 0; j < 4; ++j) b[j] = Bs[kk][tx + 16 * j];
#pragma unroll
            for (int i = 0; i < 4; ++i) {
#pragma unroll
                for (int j = 0; j < 4; ++j) acc[i][j] += a[i] * b[j];
            }
        }
        __syncthreads();
    }
}

// A plain row-major matrix operand, optionally transposed: op(P)[r][k] = trans ? p[k*ld + r] : p[r*ld + k], for
// r < rows, k < depth. Used as A (r = row of C) or, with the roles of rows and columns swapped, as B^T.
template <typename T>
struct Rcnn4jGtMatrix {
    const T* __restrict__ p;
    int ld;
    int rows;
    int depth;
    int r0;      // first row of this block's tile
    bool trans;  // true: consecutive rows are contiguous (load along M/N); false: contiguous along K

    __device__ void fetch(int k0, T* r) const {
        const int t = threadIdx.x;
        if (!trans) {
            const int k = k0 + rcnn4j_gt_k_major_k(t);
#pragma unroll
            for (int q = 0; q < RCNN4J_GT_LOADS; ++q) {
                const int row = r0 + rcnn4j_gt_k_major_row(t, q);
                r[q] = (row < rows && k < depth) ? p[(long long)row * ld + k] : (T)0;
            }
        } else {
            const int row = r0 + rcnn4j_gt_mn_major_row(t);
#pragma unroll
            for (int q = 0; q < RCNN4J_GT_LOADS; ++q) {
                const int k = k0 + rcnn4j_gt_mn_major_k(t, q);
                r[q] = (row < rows && k < depth) ? p[(long long)k * ld + row] : (T)0;
            }
        }
    }

    __device__ void put(T (*tile)[RCNN4J_GT_PAD], const T* r) const { rcnn4j_gt_put(tile, r, !trans); }
};
