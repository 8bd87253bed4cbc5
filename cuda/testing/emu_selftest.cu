// Kernels that exercise the CUDA emulator (compiled into the emulator library only, never into the fatbin): correct
// kernels next to twins with a classic bug the emulator must expose (a missing barrier, an out-of-bounds write, a
// wrong shuffle lane, a barrier in divergent code).
#include "rcnn4j/cuda_compat.cuh"

extern "C" __global__ void rcnn4j_emutest_saxpy(int n, float a, const float* __restrict__ x, float* __restrict__ y) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = a * x[i] + y[i];
}
RCNN4J_REGISTER_KERNEL(rcnn4j_emutest_saxpy);

// Sum of each block's slice of x into out[blockIdx.x]; blockDim.x must be a power of two <= 1024.
extern "C" __global__ void rcnn4j_emutest_block_sum(const float* __restrict__ x, int n, float* __restrict__ out) {
    __shared__ float partial[1024];
    unsigned t = threadIdx.x;
    int i = blockIdx.x * blockDim.x + t;
    partial[t] = i < n ? x[i] : 0.0f;
    __syncthreads();
    for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
        if (t < s) partial[t] += partial[t + s];
        __syncthreads();
    }
    if (t == 0) out[blockIdx.x] = partial[0];
}
RCNN4J_REGISTER_KERNEL(rcnn4j_emutest_block_sum);

// The same reduction without the barrier between the tree levels: a thread may read a partner's slot before the
// partner has added into it.
extern "C" __global__ void rcnn4j_emutest_block_sum_racy(const float* __restrict__ x, int n, float* __restrict__ out) {
    __shared__ float partial[1024];
    unsigned t = threadIdx.x;
    int i = blockIdx.x * blockDim.x + t;
    partial[t] = i < n ? x[i] : 0.0f;
    __syncthreads();
    for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
        if (t < s) partial[t] += partial[t + s];
    }
    __syncthreads();
    if (t == 0) out[blockIdx.x] = partial[0];
}
RCNN4J_REGISTER_KERNEL(rcnn4j_emutest_block_sum_racy);

// The same reduction through dynamic shared memory (blockDim.x floats).
extern "C" __global__ void rcnn4j_emutest_block_sum_dynamic(const float* __restrict__ x, int n,
                                                            float* __restrict__ out) {
    RCNN4J_DYNAMIC_SHARED(float, partial);
    unsigned t = threadIdx.x;
    int i = blockIdx.x * blockDim.x + t;
    partial[t] = i < n ? x[i] : 0.0f;
    __syncthreads();
    for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
        if (t < s) partial[t] += partial[t + s];
        __syncthreads();
    }
    if (t == 0) out[blockIdx.x] = partial[0];
}
RCNN4J_REGISTER_KERNEL(rcnn4j_emutest_block_sum_dynamic);

// y[i] = 2 * x[i], for i in [0, n] — one element too many.
extern "C" __global__ void rcnn4j_emutest_write_past_end(const float* __restrict__ x, int n, float* __restrict__ y) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i <= n) y[i] = 2.0f * (i < n ? x[i] : 1.0f);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_emutest_write_past_end);

// Per-warp sums by shuffles; out[warp] for each full warp of the grid. The wrong twin shuffles from lane+offset+1.
extern "C" __global__ void rcnn4j_emutest_warp_sum(const float* __restrict__ x, float* __restrict__ out) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    float v = x[i];
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_down_sync(0xffffffffu, v, offset);
    if ((threadIdx.x & 31) == 0) out[i / 32] = v;
}
RCNN4J_REGISTER_KERNEL(rcnn4j_emutest_warp_sum);

extern "C" __global__ void rcnn4j_emutest_warp_sum_wrong_lane(const float* __restrict__ x, float* __restrict__ out) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    float v = x[i];
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_down_sync(0xffffffffu, v, offset + 1);
    if ((threadIdx.x & 31) == 0) out[i / 32] = v;
}
RCNN4J_REGISTER_KERNEL(rcnn4j_emutest_warp_sum_wrong_lane);

// Butterfly (xor) all-reduce, then each lane writes the warp total: every lane must hold the same sum.
extern "C" __global__ void rcnn4j_emutest_warp_allreduce(const float* __restrict__ x, float* __restrict__ out) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    float v = x[i];
    for (int m = 16; m > 0; m >>= 1) v += __shfl_xor_sync(0xffffffffu, v, m);
    out[i] = v;
}
RCNN4J_REGISTER_KERNEL(rcnn4j_emutest_warp_allreduce);

// Ballot / count / atomics: out[0] += number of x > 0 (by ballots), out[1] = max bit pattern via atomicMax,
// and __syncthreads_count agrees with the ballots.
extern "C" __global__ void rcnn4j_emutest_count_positive(const float* __restrict__ x, int n, int* __restrict__ out) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    int positive = i < n && x[i] > 0.0f;
    unsigned ballot = __ballot_sync(0xffffffffu, positive);
    if ((threadIdx.x & 31) == 0) atomicAdd(&out[0], __popc(ballot));
    int block_count = __syncthreads_count(positive);
    if (threadIdx.x == 0) atomicAdd(&out[1], block_count);
    if (i < n) atomicMax(&out[2], __float_as_int(fabsf(x[i])));
}
RCNN4J_REGISTER_KERNEL(rcnn4j_emutest_count_positive);

// A barrier only the first half of the block reaches: on a GPU a hang or garbage, here a launch failure.
extern "C" __global__ void rcnn4j_emutest_divergent_barrier(float* __restrict__ y) {
    if (threadIdx.x < blockDim.x / 2) {
        __syncthreads();
        y[threadIdx.x] = 1.0f;
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_emutest_divergent_barrier);

// Writes each thread's coordinates (x, y, z of threadIdx and blockIdx) to check the built-ins over a 3-D launch.
extern "C" __global__ void rcnn4j_emutest_coords(int* __restrict__ out) {
    long long block = blockIdx.x + (long long)gridDim.x * (blockIdx.y + (long long)gridDim.y * blockIdx.z);
    long long thread = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
    long long i = block * (blockDim.x * blockDim.y * blockDim.z) + thread;
    __syncthreads();  // built-ins must survive a switch to other threads
    int* o = out + 6 * i;
    o[0] = threadIdx.x; o[1] = threadIdx.y; o[2] = threadIdx.z;
    o[3] = blockIdx.x; o[4] = blockIdx.y; o[5] = blockIdx.z;
}
RCNN4J_REGISTER_KERNEL(rcnn4j_emutest_coords);

// Mixed parameter types, to check the kernelParams unpacking: out[i] = a*i + b + c + d.
extern "C" __global__ void rcnn4j_emutest_params(double* __restrict__ out, long long n, int a, float b, double c,
                                                 long long d) {
    long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x;
    if (i < n) out[i] = (double)a * (double)i + (double)b + c + (double)d;
}
RCNN4J_REGISTER_KERNEL(rcnn4j_emutest_params);

// Segmented inclusive scans by __shfl_up_sync over groups of `width` lanes (8 or 16), and a broadcast of each
// group's first lane by __shfl_sync with the same width: out[2i] = scan, out[2i+1] = group leader's value.
extern "C" __global__ void rcnn4j_emutest_segmented_scan(const int* __restrict__ x, int width, int* __restrict__ out) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    int v = x[i];
    int pos = threadIdx.x & (width - 1);
    for (int d = 1; d < width; d <<= 1) {
        int up = __shfl_up_sync(0xffffffffu, v, d, width);
        if (pos >= d) v += up;
    }
    out[2 * i] = v;
    out[2 * i + 1] = __shfl_sync(0xffffffffu, x[i], 0, width);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_emutest_segmented_scan);

// Warp votes over the even lanes only (a partial mask): out[warp*4 + 0..3] = ballot, any, all, __activemask().
extern "C" __global__ void rcnn4j_emutest_even_lane_votes(const int* __restrict__ x, unsigned* __restrict__ out) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    int lane = threadIdx.x & 31;
    if (lane % 2 == 0) {
        const unsigned even = 0x55555555u;
        int p = x[i] > 0;
        unsigned ballot = __ballot_sync(even, p);
        int any = __any_sync(even, p);
        int all = __all_sync(even, p);
        __syncwarp(even);
        if (lane == 0) {
            unsigned* o = out + 4 * (i / 32);
            o[0] = ballot;
            o[1] = (unsigned)any;
            o[2] = (unsigned)all;
            o[3] = __activemask();
        }
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_emutest_even_lane_votes);

// A shuffle whose mask names a lane that has already returned: undefined on the GPU, a launch failure here.
extern "C" __global__ void rcnn4j_emutest_shuffle_with_exited_lane(float* __restrict__ y) {
    if (threadIdx.x == 5) return;
    y[threadIdx.x] = __shfl_down_sync(0xffffffffu, 1.0f, 1);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_emutest_shuffle_with_exited_lane);

// Reads n floats of x into y unchanged: shows what uninitialized device memory holds.
extern "C" __global__ void rcnn4j_emutest_copy(const float* __restrict__ x, int n, float* __restrict__ y) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = x[i];
}
RCNN4J_REGISTER_KERNEL(rcnn4j_emutest_copy);

// __trap() in one thread: the launch fails (as CUDA_ERROR_LAUNCH_FAILED) naming the thread.
extern "C" __global__ void rcnn4j_emutest_trap(int bad_thread) {
    if ((int)(blockIdx.x * blockDim.x + threadIdx.x) == bad_thread) __trap();
}
RCNN4J_REGISTER_KERNEL(rcnn4j_emutest_trap);

// y[i - 1] = x[i]: thread 0 writes the element before the buffer.
extern "C" __global__ void rcnn4j_emutest_write_before_start(const float* __restrict__ x, int n, float* __restrict__ y) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i - 1] = x[i];
}
RCNN4J_REGISTER_KERNEL(rcnn4j_emutest_write_before_start);

// Inclusive prefix sums over each block (any blockDim.x that is a multiple of 32): warp scans by __shfl_up_sync,
// warp totals through shared memory, a scan of the totals by the first warp, barriers between the stages.
extern "C" __global__ void rcnn4j_emutest_block_scan(const int* __restrict__ x, int* __restrict__ out) {
    __shared__ int warp_totals[32];
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    int v = x[i];
    for (int d = 1; d < 32; d <<= 1) {
        int up = __shfl_up_sync(0xffffffffu, v, d);
        if (lane >= d) v += up;
    }
    if (lane == 31) warp_totals[warp] = v;
    __syncthreads();
    if (warp == 0) {
        int t = lane < warps ? warp_totals[lane] : 0;
        for (int d = 1; d < 32; d <<= 1) {
            int up = __shfl_up_sync(0xffffffffu, t, d);
            if (lane >= d) t += up;
        }
        if (lane < warps) warp_totals[lane] = t;
    }
    __syncthreads();
    out[i] = v + (warp > 0 ? warp_totals[warp - 1] : 0);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_emutest_block_scan);

// Math built-ins on x[i]: out[8i..8i+7] = expf, logf(|x|), sqrtf(|x|), rsqrtf(|x|), __saturatef, floorf,
// __float2int_rn (as float), powf(|x|, 1.5).
extern "C" __global__ void rcnn4j_emutest_math(const float* __restrict__ x, int n, float* __restrict__ out) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    float v = x[i], a = fabsf(v);
    float* o = out + 8 * i;
    o[0] = expf(v);
    o[1] = logf(a);
    o[2] = sqrtf(a);
    o[3] = rsqrtf(a);
    o[4] = __saturatef(v);
    o[5] = floorf(v);
    o[6] = (float)__float2int_rn(v);
    o[7] = powf(a, 1.5f);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_emutest_math);
