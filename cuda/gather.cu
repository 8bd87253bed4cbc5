// Row gather along dim 0 (torch.index_select(x, 0, index)) and its adjoint, a scatter-add of rows
// (index_add_). x is [rows, row] flat; index is int64 [k], checked on the device (checks.cu,
// reported at the host's next synchronization): a row whose index lies outside [0, rows) reads as NaN and adds
// nowhere, so that the work queued before the report stays in bounds.
#include "rcnn4j/cuda_compat.cuh"

template <typename T>
static __device__ inline void rcnn4j_gather_rows_run(const T* __restrict__ x, const long long* __restrict__ index,
                                                     T* __restrict__ out, long long k, long long row,
                                                     long long rows) {
    const long long n = k * row;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        const long long r = i / row;
        const long long at = index[r];
        out[i] = (at >= 0 && at < rows) ? x[at * row + (i - r * row)] : (T)NAN;
    }
}

// out[r] = x[index[r]] for r < k. Grid-stride over k*row elements.
extern "C" __global__ void rcnn4j_gather_rows_f32(const float* __restrict__ x, const long long* __restrict__ index,
                                                  float* __restrict__ out, long long k, long long row,
                                                  long long rows) {
    rcnn4j_gather_rows_run<float>(x, index, out, k, row, rows);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_gather_rows_f32);

// out[index[r]] += g[r] for index[r] in [0, rows): out must be zeroed first. Atomic, so the order of repeated
// indices' sums varies. An index outside [0, rows) adds nothing (the backend's device check reports it).
extern "C" __global__ void rcnn4j_gather_scatter_add_rows_f32(const float* __restrict__ g,
                                                              const long long* __restrict__ index,
                                                              float* __restrict__ out, long long k, long long row,
                                                              long long rows) {
    const long long n = k * row;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        const long long r = i / row;
        const long long at = index[r];
        if (at >= 0 && at < rows) atomicAdd(out + at * row + (i - r * row), g[i]);
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_gather_scatter_add_rows_f32);

