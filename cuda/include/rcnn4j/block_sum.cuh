// Deterministic sums in double for full reductions (cuda/reduce.cu, cuda/losses.cu). A reduction runs in two
// launches: a partial kernel of RCNN4J_SUM_THREADS-thread blocks where each thread sums a grid-strided slice and
// the block writes its total to partial[blockIdx.x], then one block sums the partials. The grid size is chosen
// from the element count alone (see ReduceKernels.blocks), so every element lands in the same thread and every
// tree adds in the same order on every run and device: no float atomics, results repeat bit for bit.
#pragma once

#include "rcnn4j/cuda_compat.cuh"

#define RCNN4J_SUM_THREADS 256

// Grid-stride over i < n in a partial kernel: the slice of elements this thread sums.
#define RCNN4J_SUM_LOOP(i, n)                                                                     \
    for (long long i = (long long)blockIdx.x * RCNN4J_SUM_THREADS + threadIdx.x; i < (n);          \
         i += (long long)gridDim.x * RCNN4J_SUM_THREADS)

// The sum of v over the block's RCNN4J_SUM_THREADS threads, a fixed pairwise tree in shared (RCNN4J_SUM_THREADS
// doubles); every thread of the block must call it and gets the total. shared may be reused after it returns.
static __device__ inline double rcnn4j_block_sum(double v, double* shared) {
    shared[threadIdx.x] = v;
    __syncthreads();
    for (int half = RCNN4J_SUM_THREADS / 2; half > 0; half /= 2) {
        if ((int)threadIdx.x < half) shared[threadIdx.x] += shared[threadIdx.x + half];
        __syncthreads();
    }
    const double total = shared[0];
    __syncthreads();  // every thread has read shared[0] before a next call overwrites it
    return total;
}

// The first launch of a reduction: partial[blockIdx.x] = the sum of term(i) (a double) over this thread block's
// slice of [0, n). shared: RCNN4J_SUM_THREADS doubles of __shared__ memory.
template <typename Term>
static __device__ inline void rcnn4j_sum_partial(long long n, Term term, double* shared, double* __restrict__ partial) {
    double s = 0.0;
    RCNN4J_SUM_LOOP(i, n) { s += term(i); }
    s = rcnn4j_block_sum(s, shared);
    if (threadIdx.x == 0) partial[blockIdx.x] = s;
}

// The sum of partial[0, parts) by one block of RCNN4J_SUM_THREADS threads (every thread gets it).
static __device__ inline double rcnn4j_sum_partials(const double* __restrict__ partial, int parts, double* shared) {
    double s = 0.0;
    for (int i = threadIdx.x; i < parts; i += RCNN4J_SUM_THREADS) s += partial[i];
    return rcnn4j_block_sum(s, shared);
}
