// Full reductions for autograd's sum and mean: the sum of all n elements of an F32 tensor, accumulated in double
// in a fixed order (rcnn4j/block_sum.cuh) and scaled (1 for sum, 1/n for mean), and the backward of both, which
// fills the input's gradient with the scalar upstream gradient times that scale. The upstream gradient is read
// on the device, so backward needs no host round trip.
#include "rcnn4j/block_sum.cuh"

// partial[blockIdx.x] = sum of x[i] over the block's grid-strided i. Grid: ReduceKernels.blocks(n) blocks of
// RCNN4J_SUM_THREADS threads (at least one, so an empty input still writes partial[0] = 0).
extern "C" __global__ void rcnn4j_reduce_sum_partial_f32(const float* __restrict__ x, long long n,
                                                         double* __restrict__ partial) {
    __shared__ double shared[RCNN4J_SUM_THREADS];
    rcnn4j_sum_partial(n, [=](long long i) { return (double)x[i]; }, shared, partial);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_reduce_sum_partial_f32);

// out[0] = (float)(sum of partial[0, parts) * scale). Grid: one block of RCNN4J_SUM_THREADS threads. An empty
// mean gives 0 * inf = NaN, as torch.
extern "C" __global__ void rcnn4j_reduce_finish_f32(const double* __restrict__ partial, int parts, double scale,
                                                    float* __restrict__ out) {
    __shared__ double shared[RCNN4J_SUM_THREADS];
    const double total = rcnn4j_sum_partials(partial, parts, shared);
    if (threadIdx.x == 0) out[0] = (float)(total * scale);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_reduce_finish_f32);

// out[i] = (float)(g[0] * scale) for i < n: the gradient of sum (scale 1) and mean (scale 1/n). Grid-stride.
extern "C" __global__ void rcnn4j_reduce_fill_f32(const float* __restrict__ g, double scale, float* __restrict__ out,
                                                  long long n) {
    const float v = (float)((double)g[0] * scale);
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        out[i] = v;
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_reduce_fill_f32);
