// torchvision.ops.nms and batched_nms with the whole sequence on the device: a stable descending sort of the
// scores (ties in index order), boxes gathered in that order, a bitmask of suppressions in 64-bit words (one
// block per pair of 64-box blocks, upper triangle only), a greedy sweep over the mask in one block, and the
// compaction of the kept indices in score order. The host reads back only the final count. batched_nms uses the
// same kernels with a label per box: a box only suppresses boxes of its own label (no coordinate offsets).
#include "rcnn4j/cuda_compat.cuh"
#include "rcnn4j/box_math.cuh"
#include "rcnn4j/box_scan.cuh"

// Boxes per block of the mask: one bit of a 64-bit word each.
#define RCNN4J_NMS_BLOCK 64
// Radix sort: 8-bit digits; a block of 256 threads ranks a tile of 1024 keys in 4 rounds of 256.
#define RCNN4J_NMS_RADIX_THREADS 256
#define RCNN4J_NMS_RADIX_ROUNDS 4
#define RCNN4J_NMS_RADIX_TILE (RCNN4J_NMS_RADIX_THREADS * RCNN4J_NMS_RADIX_ROUNDS)
#define RCNN4J_NMS_RADIX_BUCKETS 256
#define RCNN4J_NMS_RADIX_WARPS (RCNN4J_NMS_RADIX_THREADS / 32)
// The rank-by-counting sort of small inputs: 256 threads per block, keys staged through shared memory.
#define RCNN4J_NMS_RANK_THREADS 256

// keys[i] = the sort key of scores[i] (ascending key = descending score), order[i] = i. Grid-stride.
extern "C" __global__ void rcnn4j_nms_score_keys_f32(const float* __restrict__ scores, int n,
                                                     unsigned int* __restrict__ keys, int* __restrict__ order) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        keys[i] = rcnn4j_box_score_key(scores[i]);
        order[i] = (int)i;
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_nms_score_keys_f32);

// Stable sort of small inputs in one launch: element i goes to its rank, the number of elements before it in
// (key, index) order. O(n^2) comparisons, all from shared memory. Block of RCNN4J_NMS_RANK_THREADS.
extern "C" __global__ void rcnn4j_nms_rank_sort(const unsigned int* __restrict__ keys, int n, int* __restrict__ order) {
    __shared__ unsigned int tile[RCNN4J_NMS_RANK_THREADS];
    int i = blockIdx.x * RCNN4J_NMS_RANK_THREADS + threadIdx.x;
    unsigned int key = i < n ? keys[i] : 0u;
    int rank = 0;
    for (int base = 0; base < n; base += RCNN4J_NMS_RANK_THREADS) {
        __syncthreads();
        int j = base + threadIdx.x;
        tile[threadIdx.x] = j < n ? keys[j] : 0xffffffffu;
        __syncthreads();
        int limit = n - base < RCNN4J_NMS_RANK_THREADS ? n - base : RCNN4J_NMS_RANK_THREADS;
        for (int t = 0; t < limit; t++) {
            unsigned int other = tile[t];
            rank += (other < key || (other == key && base + t < i)) ? 1 : 0;
        }
    }
    if (i < n) {
        order[rank] = i;
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_nms_rank_sort);

// Radix pass, step 1: counts[digit * numTiles + tile] = how many keys of the tile have that digit.
extern "C" __global__ void rcnn4j_nms_radix_histogram(const unsigned int* __restrict__ keys, int n, int shift,
                                                      unsigned int* __restrict__ counts, int numTiles) {
    __shared__ unsigned int hist[RCNN4J_NMS_RADIX_BUCKETS];
    int tile = blockIdx.x;
    hist[threadIdx.x] = 0u;
    __syncthreads();
    long long base = (long long)tile * RCNN4J_NMS_RADIX_TILE;
    for (int r = 0; r < RCNN4J_NMS_RADIX_ROUNDS; r++) {
        long long idx = base + r * RCNN4J_NMS_RADIX_THREADS + threadIdx.x;
        if (idx < n) {
            atomicAdd(&hist[(keys[idx] >> shift) & (RCNN4J_NMS_RADIX_BUCKETS - 1)], 1u);
        }
    }
    __syncthreads();
    counts[(long long)threadIdx.x * numTiles + tile] = hist[threadIdx.x];
}
RCNN4J_REGISTER_KERNEL(rcnn4j_nms_radix_histogram);

// Radix pass, step 2 (one block): exclusive prefix sum of the counts in digit-major order, so that
// counts[digit * numTiles + tile] becomes where the tile's keys with that digit start in the output.
extern "C" __global__ void rcnn4j_nms_radix_scan(unsigned int* __restrict__ counts, int total) {
    __shared__ int warpSums[32];
    int carry = 0;
    for (int base = 0; base < total; base += blockDim.x) {
        int i = base + threadIdx.x;
        int v = i < total ? (int)counts[i] : 0;
        int chunk;
        int before = rcnn4j_box_block_exclusive_scan(v, warpSums, &chunk);
        if (i < total) {
            counts[i] = (unsigned int)(carry + before);
        }
        carry += chunk;
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_nms_radix_scan);

// Radix pass, step 3: each tile moves its keys (and their payload) to their places, stably: within a tile an
// element's place among equal digits is the number of them before it (same warp: lanes below it, found with
// ballots on the 8 digit bits; earlier warps and rounds: shared counters).
extern "C" __global__ void rcnn4j_nms_radix_scatter(const unsigned int* __restrict__ keysIn,
                                                    const int* __restrict__ valsIn, unsigned int* __restrict__ keysOut,
                                                    int* __restrict__ valsOut, int n, int shift,
                                                    const unsigned int* __restrict__ offsets, int numTiles) {
    __shared__ unsigned int next[RCNN4J_NMS_RADIX_BUCKETS];
    __shared__ unsigned int warpBase[RCNN4J_NMS_RADIX_WARPS][RCNN4J_NMS_RADIX_BUCKETS];
    const unsigned full = 0xffffffffu;
    int tile = blockIdx.x;
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    unsigned int lanesBelow = (1u << lane) - 1u;
    next[threadIdx.x] = offsets[(long long)threadIdx.x * numTiles + tile];
    long long base = (long long)tile * RCNN4J_NMS_RADIX_TILE;
    for (int r = 0; r < RCNN4J_NMS_RADIX_ROUNDS; r++) {
        for (int w = 0; w < RCNN4J_NMS_RADIX_WARPS; w++) {
            warpBase[w][threadIdx.x] = 0u;
        }
        __syncthreads();
        long long idx = base + r * RCNN4J_NMS_RADIX_THREADS + threadIdx.x;
        bool valid = idx < n;
        unsigned int key = valid ? keysIn[idx] : 0u;
        int digit = (int)((key >> shift) & (RCNN4J_NMS_RADIX_BUCKETS - 1));
        unsigned int peers = __ballot_sync(full, valid);
        for (int b = 0; b < 8; b++) {
            int bit = (digit >> b) & 1;
            unsigned int set = __ballot_sync(full, bit);
            peers &= bit ? set : ~set;
        }
        int rankInWarp = __popc(peers & lanesBelow);
        if (valid && rankInWarp == 0) {
            warpBase[warp][digit] = (unsigned int)__popc(peers);
        }
        __syncthreads();
        {
            // thread d turns the per-warp counts of digit d into starting places and advances next[d]
            int d = threadIdx.x;
            unsigned int place = next[d];
            for (int w = 0; w < RCNN4J_NMS_RADIX_WARPS; w++) {
                unsigned int c = warpBase[w][d];
                warpBase[w][d] = place;
                place += c;
            }
            next[d] = place;
        }
        __syncthreads();
        if (valid) {
            unsigned int at = warpBase[warp][digit] + (unsigned int)rankInWarp;
            keysOut[at] = key;
            valsOut[at] = valsIn[idx];
        }
        __syncthreads();
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_nms_radix_scatter);

// sorted[p] = boxes[order[p]] and areas[p] = its area, for p in visiting order.
extern "C" __global__ void rcnn4j_nms_gather_boxes_f32(const float* __restrict__ boxes, const int* __restrict__ order,
                                                       int n, float* __restrict__ sorted, float* __restrict__ areas) {
    for (long long p = (long long)blockIdx.x * blockDim.x + threadIdx.x; p < n; p += (long long)gridDim.x * blockDim.x) {
        const float* b = boxes + 4LL * order[p];
        float x1 = b[0], y1 = b[1], x2 = b[2], y2 = b[3];
        sorted[4 * p] = x1;
        sorted[4 * p + 1] = y1;
        sorted[4 * p + 2] = x2;
        sorted[4 * p + 3] = y2;
        areas[p] = rcnn4j_box_area(x1, y1, x2, y2);
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_nms_gather_boxes_f32);

extern "C" __global__ void rcnn4j_nms_gather_labels_i64(const long long* __restrict__ idxs,
                                                        const int* __restrict__ order, int n,
                                                        long long* __restrict__ labels) {
    for (long long p = (long long)blockIdx.x * blockDim.x + threadIdx.x; p < n; p += (long long)gridDim.x * blockDim.x) {
        labels[p] = idxs[order[p]];
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_nms_gather_labels_i64);

extern "C" __global__ void rcnn4j_nms_gather_labels_i32(const int* __restrict__ idxs, const int* __restrict__ order,
                                                        int n, long long* __restrict__ labels) {
    for (long long p = (long long)blockIdx.x * blockDim.x + threadIdx.x; p < n; p += (long long)gridDim.x * blockDim.x) {
        labels[p] = (long long)idxs[order[p]];
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_nms_gather_labels_i32);

// One block of 64 threads per pair (row block, column block) with column >= row: thread t sets bit k of
// mask[row*64 + t][column] when box row*64+t (earlier in visiting order) suppresses box column*64+k.
// The blocks are numbered from the last row up: row block r (counted from the end as s = colBlocks-1-r) holds
// s+1 pairs, starting at s(s+1)/2.
static __device__ inline void rcnn4j_nms_mask_block(const float* __restrict__ sorted, const float* __restrict__ areas,
                                                    const long long* __restrict__ labels, bool useLabels, int n,
                                                    int colBlocks, float threshold,
                                                    unsigned long long* __restrict__ mask) {
    __shared__ float cx1[RCNN4J_NMS_BLOCK], cy1[RCNN4J_NMS_BLOCK], cx2[RCNN4J_NMS_BLOCK], cy2[RCNN4J_NMS_BLOCK];
    __shared__ float carea[RCNN4J_NMS_BLOCK];
    __shared__ long long clabel[RCNN4J_NMS_BLOCK];
    long long pair = blockIdx.x;
    long long s = (long long)((sqrtf(8.0f * (float)pair + 1.0f) - 1.0f) * 0.5f);
    while ((s + 1) * (s + 2) / 2 <= pair) {
        s++;
    }
    while (s > 0 && s * (s + 1) / 2 > pair) {
        s--;
    }
    int row = colBlocks - 1 - (int)s;
    int col = row + (int)(pair - s * (s + 1) / 2);
    int t = threadIdx.x;
    int colStart = col * RCNN4J_NMS_BLOCK;
    int colCount = n - colStart < RCNN4J_NMS_BLOCK ? n - colStart : RCNN4J_NMS_BLOCK;
    if (t < colCount) {
        const float* b = sorted + 4LL * (colStart + t);
        cx1[t] = b[0];
        cy1[t] = b[1];
        cx2[t] = b[2];
        cy2[t] = b[3];
        carea[t] = areas[colStart + t];
        clabel[t] = useLabels ? labels[colStart + t] : 0;
    }
    __syncthreads();
    int i = row * RCNN4J_NMS_BLOCK + t;
    if (i >= n) {
        return;
    }
    const float* b = sorted + 4LL * i;
    float x1 = b[0], y1 = b[1], x2 = b[2], y2 = b[3], area = areas[i];
    long long label = useLabels ? labels[i] : 0;
    unsigned long long bits = 0ULL;
    for (int k = row == col ? t + 1 : 0; k < colCount; k++) {
        if (clabel[k] == label &&
            rcnn4j_box_nms_suppresses(x1, y1, x2, y2, area, cx1[k], cy1[k], cx2[k], cy2[k], carea[k], threshold)) {
            bits |= 1ULL << k;
        }
    }
    mask[(long long)i * colBlocks + col] = bits;
}

extern "C" __global__ void rcnn4j_nms_mask_f32(const float* __restrict__ sorted, const float* __restrict__ areas, int n,
                                               int colBlocks, float threshold, unsigned long long* __restrict__ mask) {
    rcnn4j_nms_mask_block(sorted, areas, nullptr, false, n, colBlocks, threshold, mask);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_nms_mask_f32);

extern "C" __global__ void rcnn4j_nms_batched_mask_f32(const float* __restrict__ sorted,
                                                       const float* __restrict__ areas,
                                                       const long long* __restrict__ labels, int n, int colBlocks,
                                                       float threshold, unsigned long long* __restrict__ mask) {
    rcnn4j_nms_mask_block(sorted, areas, labels, true, n, colBlocks, threshold, mask);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_nms_batched_mask_f32);

// The greedy sweep in one block, then the compaction: for each block of 64 boxes in visiting order, thread 0
// settles which of them survive (each suppresses only later ones, through the diagonal words), then all threads
// fold the kept rows' words into the removed bits of every later block. keep[0..count) = order[p] of the kept
// positions p, ascending (descending score). scratch: 2 * colBlocks words (removed bits, kept bits).
extern "C" __global__ void rcnn4j_nms_sweep(const unsigned long long* __restrict__ mask, const int* __restrict__ order,
                                            int n, int colBlocks, unsigned long long* __restrict__ scratch,
                                            long long* __restrict__ keep, int* __restrict__ count) {
    __shared__ unsigned long long diag[RCNN4J_NMS_BLOCK];
    __shared__ unsigned long long keptNow;
    __shared__ int warpSums[32];
    unsigned long long* removed = scratch;
    unsigned long long* keptBits = scratch + colBlocks;
    for (int w = threadIdx.x; w < colBlocks; w += blockDim.x) {
        removed[w] = 0ULL;
    }
    for (int nb = 0; nb < colBlocks; nb++) {
        int rows = n - nb * RCNN4J_NMS_BLOCK < RCNN4J_NMS_BLOCK ? n - nb * RCNN4J_NMS_BLOCK : RCNN4J_NMS_BLOCK;
        if ((int)threadIdx.x < rows) {
            diag[threadIdx.x] = mask[((long long)nb * RCNN4J_NMS_BLOCK + threadIdx.x) * colBlocks + nb];
        }
        __syncthreads();  // also publishes the removed bits folded in by the previous block
        if (threadIdx.x == 0) {
            unsigned long long cur = removed[nb];
            unsigned long long kept = 0ULL;
            for (int t = 0; t < rows; t++) {
                if (!((cur >> t) & 1ULL)) {
                    kept |= 1ULL << t;
                    cur |= diag[t];
                }
            }
            keptNow = kept;
            keptBits[nb] = kept;
        }
        __syncthreads();
        unsigned long long kept = keptNow;
        for (int j = nb + 1 + threadIdx.x; j < colBlocks; j += blockDim.x) {
            unsigned long long acc = 0ULL;
            unsigned long long bits = kept;
            while (bits) {
                int t = __ffsll((long long)bits) - 1;
                bits &= bits - 1ULL;
                acc |= mask[((long long)nb * RCNN4J_NMS_BLOCK + t) * colBlocks + j];
            }
            removed[j] |= acc;
        }
    }
    __syncthreads();
    int written = 0;
    for (int w0 = 0; w0 < colBlocks; w0 += blockDim.x) {
        int w = w0 + threadIdx.x;
        unsigned long long bits = w < colBlocks ? keptBits[w] : 0ULL;
        int total;
        int at = written + rcnn4j_box_block_exclusive_scan(__popcll(bits), warpSums, &total);
        while (bits) {
            int t = __ffsll((long long)bits) - 1;
            bits &= bits - 1ULL;
            keep[at++] = (long long)order[w * RCNN4J_NMS_BLOCK + t];
        }
        written += total;
    }
    if (threadIdx.x == 0) {
        *count = written;
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_nms_sweep);
