// A block-wide exclusive prefix sum for the box kernels that compact their output in one block (nms keep list,
// remove_small_boxes). blockDim.x must be a multiple of 32 (at most 1024) and every thread of the block must call
// it; warpSums is __shared__ storage of 32 ints owned by the caller.
#pragma once

static __device__ inline int rcnn4j_box_block_exclusive_scan(int value, int* warpSums, int* blockTotal) {
    const unsigned full = 0xffffffffu;
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    int warps = blockDim.x >> 5;
    int x = value;
    for (int offset = 1; offset < 32; offset <<= 1) {
        int y = __shfl_up_sync(full, x, offset);
        if (lane >= offset) {
            x += y;
        }
    }
    if (lane == 31) {
        warpSums[warp] = x;
    }
    __syncthreads();
    if (warp == 0) {
        int w = lane < warps ? warpSums[lane] : 0;
        for (int offset = 1; offset < 32; offset <<= 1) {
            int y = __shfl_up_sync(full, w, offset);
            if (lane >= offset) {
                w += y;
            }
        }
        warpSums[lane] = w;  // inclusive prefix of the warp totals
    }
    __syncthreads();
    int before = warp > 0 ? warpSums[warp - 1] : 0;
    *blockTotal = warpSums[warps - 1];
    __syncthreads();  // warpSums may be reused by the next call
    return before + x - value;
}
