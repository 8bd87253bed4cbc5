// The selection steps of the detectors on the device, so that inference reads nothing back until its final
// outputs: sort keys with a validity mask, the first k of a sorted order, gathers of rows by an index list,
// sigmoid and softmax as the CPU backend computes them, the best column of each row, a keep mask (size and score
// thresholds), an order-preserving compaction of a mask, NMS capped at a number of outputs with its count left on
// the device (as TensorRT's EfficientNMS does), FPN level assignment, a histogram, RoI rows from per-image boxes
// and box scaling. Data-dependent sizes are fixed-capacity buffers (padded with -1) plus a count on the device.
#include "rcnn4j/cuda_compat.cuh"
#include "rcnn4j/box_math.cuh"
#include "rcnn4j/box_scan.cuh"

// One chunk of the capped NMS: boxes tested together against the boxes kept so far.
#define RCNN4J_SELECT_NMS_CHUNK 64

// keys[i] = the descending sort key of scores[i], or 0xffffffff (after every score) when mask is given and
// mask[i] is 0; order[i] = i; *valid (zeroed by the caller) counts the unmasked entries. Grid-stride.
extern "C" __global__ void rcnn4j_select_masked_keys_f32(const float* __restrict__ scores,
                                                         const unsigned char* __restrict__ mask, int n,
                                                         unsigned int* __restrict__ keys, int* __restrict__ order,
                                                         int* __restrict__ valid) {
    int mine = 0;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        bool ok = mask == nullptr || mask[i] != 0;
        keys[i] = ok ? rcnn4j_box_score_key(scores[i]) : 0xffffffffu;
        order[i] = (int)i;
        mine += ok ? 1 : 0;
    }
    if (mine > 0) {
        atomicAdd(valid, mine);
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_select_masked_keys_f32);

// keys[i] = values[i] (I32, or I64 read as its low 32 bits when is64) mapped to an unsigned ascending order;
// order[i] = i. Grid-stride.
extern "C" __global__ void rcnn4j_select_int_keys(const void* __restrict__ values, int is64, int n,
                                                  unsigned int* __restrict__ keys, int* __restrict__ order) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        int v = is64 ? (int)((const long long*)values)[i] : ((const int*)values)[i];
        keys[i] = (unsigned int)v ^ 0x80000000u;
        order[i] = (int)i;
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_select_int_keys);

// out[j] = order[j] + offset (I64) for j < k.
extern "C" __global__ void rcnn4j_select_take_order(const int* __restrict__ order, int k, long long offset,
                                                    long long* __restrict__ out) {
    for (long long j = (long long)blockIdx.x * blockDim.x + threadIdx.x; j < k; j += (long long)gridDim.x * blockDim.x) {
        out[j] = (long long)order[j] + offset;
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_select_take_order);

static __device__ inline long long rcnn4j_select_index(const void* index, int is64, long long i) {
    return is64 ? ((const long long*)index)[i] : (long long)((const int*)index)[i];
}

// out row j = values row index[j] (rowWords 32-bit words per row), or zeros when index[j] lies outside
// [0, rows) (a -1 pads a fixed-capacity selection). Grid-stride over k * rowWords words.
extern "C" __global__ void rcnn4j_select_gather_words(const unsigned int* __restrict__ values, long long rows,
                                                      int rowWords, const void* __restrict__ index, int is64, int k,
                                                      unsigned int* __restrict__ out) {
    long long total = (long long)k * rowWords;
    for (long long e = (long long)blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long)gridDim.x * blockDim.x) {
        long long j = e / rowWords;
        int w = (int)(e - j * rowWords);
        long long r = rcnn4j_select_index(index, is64, j);
        out[e] = (r >= 0 && r < rows) ? values[r * rowWords + w] : 0u;
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_select_gather_words);

// As rcnn4j_select_gather_words for rows of rowBytes bytes (a size that is not a multiple of 4).
extern "C" __global__ void rcnn4j_select_gather_bytes(const unsigned char* __restrict__ values, long long rows,
                                                      int rowBytes, const void* __restrict__ index, int is64, int k,
                                                      unsigned char* __restrict__ out) {
    long long total = (long long)k * rowBytes;
    for (long long e = (long long)blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long)gridDim.x * blockDim.x) {
        long long j = e / rowBytes;
        int w = (int)(e - j * rowBytes);
        long long r = rcnn4j_select_index(index, is64, j);
        out[e] = (r >= 0 && r < rows) ? values[r * rowBytes + w] : (unsigned char)0;
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_select_gather_bytes);

// torch.sigmoid as the proposal filter computes it: 1f / (1f + (float) exp(-x)), the exponential in double.
extern "C" __global__ void rcnn4j_select_sigmoid_f32(const float* __restrict__ x, long long n, float* __restrict__ out) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        float e = (float)exp((double)(-x[i]));
        out[i] = __fdiv_rn(1.0f, __fadd_rn(1.0f, e));
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_select_sigmoid_f32);

// Row softmax of x [n,c] in double, rounded once to float: max (NaN wins, as Java's Math.max), exp(x - max),
// the sum in column order, e / sum. One thread per row.
extern "C" __global__ void rcnn4j_select_softmax_rows_f32(const float* __restrict__ x, int n, int c,
                                                          float* __restrict__ out) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        const float* row = x + i * c;
        double max = -INFINITY;
        for (int j = 0; j < c; j++) {
            double v = (double)row[j];
            if (v != v || max != max) {
                max = v != v ? v : max;
            } else if (v > max || (v == 0.0 && max == 0.0 && !signbit(v))) {
                max = v;
            }
        }
        double sum = 0.0;
        for (int j = 0; j < c; j++) {
            sum += exp((double)row[j] - max);
        }
        for (int j = 0; j < c; j++) {
            out[i * c + j] = (float)(exp((double)row[j] - max) / sum);
        }
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_select_softmax_rows_f32);

// out[i] = i * c + j for the largest x[i, j] with j in [from, c): the first of equal values, NaN largest (the
// first NaN), as torch.argmax of x[:, from:]. The flat index lets a gather read row i's column j. Grid-stride.
extern "C" __global__ void rcnn4j_select_argmax_rows_f32(const float* __restrict__ x, int n, int c, int from,
                                                         long long* __restrict__ out) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        const float* row = x + i * c;
        int best = from;
        for (int j = from + 1; j < c && row[best] == row[best]; j++) {
            float v = row[j];
            if (v != v || v > row[best]) {
                best = j;
            }
        }
        out[i] = i * c + best;
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_select_argmax_rows_f32);

// Mask R-CNN's mask probabilities: out[i, 0] = (float) (1 / (1 + exp(-x))) in double of channel labels[i] of
// logits [d, c, hw]; a label outside [0, c) gives NaN (the CPU backend rejects it).
extern "C" __global__ void rcnn4j_select_label_sigmoid_f32(const float* __restrict__ logits,
                                                           const long long* __restrict__ labels, int d, int c, int hw,
                                                           float* __restrict__ out) {
    long long total = (long long)d * hw;
    for (long long e = (long long)blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long)gridDim.x * blockDim.x) {
        long long i = e / hw;
        long long j = e - i * hw;
        long long l = labels[i];
        if (l < 0 || l >= c) {
            out[e] = NAN;
        } else {
            double v = (double)logits[(i * c + l) * hw + j];
            out[e] = (float)(1.0 / (1.0 + exp(-v)));
        }
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_select_label_sigmoid_f32);

// out[i] = 1 when box i is at least minSize wide and high and its score passes the threshold (score > t when
// strict, score >= t otherwise), else 0.
extern "C" __global__ void rcnn4j_select_keep_mask_f32(const float* __restrict__ boxes, const float* __restrict__ scores,
                                                       int n, float minSize, float threshold, int strict,
                                                       unsigned char* __restrict__ out) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        const float* b = boxes + 4 * i;
        float s = scores[i];
        bool big = rcnn4j_box_sub(b[2], b[0]) >= minSize && rcnn4j_box_sub(b[3], b[1]) >= minSize;
        bool pass = strict ? s > threshold : s >= threshold;
        out[i] = (big && pass) ? 1 : 0;
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_select_keep_mask_f32);

// One block: out[0..count) = indices i (ascending) with mask[i] != 0, out[count..n) = -1, *count = count.
extern "C" __global__ void rcnn4j_select_compact_u8(const unsigned char* __restrict__ mask, int n,
                                                   long long* __restrict__ out, int* __restrict__ count) {
    __shared__ int warpSums[32];
    int written = 0;
    for (int base = 0; base < n; base += blockDim.x) {
        int i = base + threadIdx.x;
        int flag = (i < n && mask[i] != 0) ? 1 : 0;
        int total;
        int at = written + rcnn4j_box_block_exclusive_scan(flag, warpSums, &total);
        if (flag) {
            out[at] = i;
        }
        written += total;
    }
    for (int i = written + threadIdx.x; i < n; i += blockDim.x) {
        out[i] = -1;
    }
    if (threadIdx.x == 0) {
        *count = written;
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_select_compact_u8);

static __device__ inline long long rcnn4j_select_label(const void* labels, int kind, long long i) {
    return kind == 0 ? 0 : kind == 1 ? ((const long long*)labels)[i] : (long long)((const int*)labels)[i];
}

// Greedy (batched) NMS in one block over the first *valid positions of order (descending score), stopping
// once maxOut boxes are kept: chunks of 64 candidates are tested in parallel against every box kept so far,
// then settled in order by one thread with the suppressions inside the chunk. A box only suppresses boxes of its
// own label (labelKind 1: I64 labels, 2: I32, 0: none). keep[0..count) = kept indices in visiting order,
// keep[count..capacity) = -1, *count = count. kept: scratch of 5 * maxOut floats; keptLabels: maxOut longs.
extern "C" __global__ void rcnn4j_select_nms_capped_f32(const float* __restrict__ boxes, const void* __restrict__ labels,
                                                        int labelKind, const int* __restrict__ order,
                                                        const int* __restrict__ valid, int maxOut, float threshold,
                                                        float* __restrict__ kept, long long* __restrict__ keptLabels,
                                                        int capacity, long long* __restrict__ keep,
                                                        int* __restrict__ count) {
    __shared__ float cx1[RCNN4J_SELECT_NMS_CHUNK], cy1[RCNN4J_SELECT_NMS_CHUNK];
    __shared__ float cx2[RCNN4J_SELECT_NMS_CHUNK], cy2[RCNN4J_SELECT_NMS_CHUNK];
    __shared__ float carea[RCNN4J_SELECT_NMS_CHUNK];
    __shared__ long long clabel[RCNN4J_SELECT_NMS_CHUNK];
    __shared__ int removed[RCNN4J_SELECT_NMS_CHUNK];
    __shared__ unsigned long long diag[RCNN4J_SELECT_NMS_CHUNK];
    __shared__ int numKept;
    int t = threadIdx.x;
    int n = *valid;
    if (t == 0) {
        numKept = 0;
    }
    __syncthreads();
    for (int c0 = 0; c0 < n; c0 += RCNN4J_SELECT_NMS_CHUNK) {
        int k = numKept;
        if (k >= maxOut) {
            break;
        }
        int rows = n - c0 < RCNN4J_SELECT_NMS_CHUNK ? n - c0 : RCNN4J_SELECT_NMS_CHUNK;
        if (t < RCNN4J_SELECT_NMS_CHUNK) {
            removed[t] = 0;
            if (t < rows) {
                int o = order[c0 + t];
                const float* b = boxes + 4LL * o;
                cx1[t] = b[0];
                cy1[t] = b[1];
                cx2[t] = b[2];
                cy2[t] = b[3];
                carea[t] = rcnn4j_box_area(b[0], b[1], b[2], b[3]);
                clabel[t] = rcnn4j_select_label(labels, labelKind, o);
            }
        }
        __syncthreads();
        for (long long e = t; e < (long long)rows * k; e += blockDim.x) {
            int r = (int)(e % rows);
            long long q = e / rows;
            const float* kb = kept + 5 * q;
            if (keptLabels[q] == clabel[r] &&
                rcnn4j_box_nms_suppresses(kb[0], kb[1], kb[2], kb[3], kb[4], cx1[r], cy1[r], cx2[r], cy2[r],
                                          carea[r], threshold)) {
                removed[r] = 1;
            }
        }
        if (t < rows) {
            unsigned long long bits = 0ULL;
            for (int b = t + 1; b < rows; b++) {
                if (clabel[b] == clabel[t] &&
                    rcnn4j_box_nms_suppresses(cx1[t], cy1[t], cx2[t], cy2[t], carea[t], cx1[b], cy1[b], cx2[b],
                                              cy2[b], carea[b], threshold)) {
                    bits |= 1ULL << b;
                }
            }
            diag[t] = bits;
        }
        __syncthreads();
        if (t == 0) {
            unsigned long long cur = 0ULL;
            for (int r = 0; r < rows; r++) {
                if (removed[r]) {
                    cur |= 1ULL << r;
                }
            }
            int m = numKept;
            for (int r = 0; r < rows && m < maxOut; r++) {
                if (!((cur >> r) & 1ULL)) {
                    keep[m] = (long long)order[c0 + r];
                    float* kb = kept + 5LL * m;
                    kb[0] = cx1[r];
                    kb[1] = cy1[r];
                    kb[2] = cx2[r];
                    kb[3] = cy2[r];
                    kb[4] = carea[r];
                    keptLabels[m] = clabel[r];
                    m++;
                    cur |= diag[r];
                }
            }
            numKept = m;
        }
        __syncthreads();
    }
    int total = numKept;
    for (int i = total + t; i < capacity; i += blockDim.x) {
        keep[i] = -1;
    }
    if (t == 0) {
        *count = total;
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_select_nms_capped_f32);

// torchvision's LevelMapper for rows of boxes (x1, y1, x2, y2 from column colOffset of rows of rowStride
// floats), every step as the CPU backend: area and 4 + log2(sqrt(area) / 224) + 1e-6 in float32, sqrt and log in
// double; floor, clamp to [kMin, kMax], minus kMin; NaN gives -1.
extern "C" __global__ void rcnn4j_select_fpn_levels_f32(const float* __restrict__ boxes, int rowStride, int colOffset,
                                                        int n, int kMin, int kMax, int* __restrict__ out) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        const float* b = boxes + i * rowStride + colOffset;
        float area = __fmul_rn(__fsub_rn(b[2], b[0]), __fsub_rn(b[3], b[1]));
        float s = (float)sqrt((double)area);
        float log2v = (float)(log((double)__fdiv_rn(s, 224.0f)) / 0.69314718055994530942);
        float lvl = (float)floor((double)__fadd_rn(__fadd_rn(4.0f, log2v), 1e-6f));
        if (lvl != lvl) {
            out[i] = -1;
        } else {
            float lo = (float)kMin;
            float hi = (float)kMax;
            lvl = lvl < hi ? lvl : hi;
            lvl = lvl > lo ? lvl : lo;
            out[i] = (int)lvl - kMin;
        }
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_select_fpn_levels_f32);

// counts[v] += 1 for each values[i] (I32) in [0, bins); counts zeroed by the caller.
extern "C" __global__ void rcnn4j_select_bincount_i32(const int* __restrict__ values, int n, int bins,
                                                      int* __restrict__ counts) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        int v = values[i];
        if (v >= 0 && v < bins) {
            atomicAdd(&counts[v], 1);
        }
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_select_bincount_i32);

// out [k,5] = (batchIndex, x1, y1, x2, y2) for boxes [k,4].
extern "C" __global__ void rcnn4j_select_batch_rois_f32(const float* __restrict__ boxes, int k, float batchIndex,
                                                        float* __restrict__ out) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < k; i += (long long)gridDim.x * blockDim.x) {
        out[5 * i] = batchIndex;
        out[5 * i + 1] = boxes[4 * i];
        out[5 * i + 2] = boxes[4 * i + 1];
        out[5 * i + 3] = boxes[4 * i + 2];
        out[5 * i + 4] = boxes[4 * i + 3];
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_select_batch_rois_f32);

// out = boxes [rows,4] with x times scaleX and y times scaleY (float32 products).
extern "C" __global__ void rcnn4j_select_scale_boxes_f32(const float* __restrict__ boxes, long long count, float scaleX,
                                                         float scaleY, float* __restrict__ out) {
    for (long long e = (long long)blockIdx.x * blockDim.x + threadIdx.x; e < count; e += (long long)gridDim.x * blockDim.x) {
        out[e] = __fmul_rn(boxes[e], (e & 1) ? scaleY : scaleX);
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_select_scale_boxes_f32);

// Eval batch norm's per-channel affine map, in double as the host computed it: invstd = 1 / sqrt(var + eps),
// scale = weight * invstd, shift = bias - mean * scale (weight 1 and bias 0 when absent); out[0..c) = scale,
// out[c..2c) = shift, rounded to float.
extern "C" __global__ void rcnn4j_select_norm_affine_f32(const float* __restrict__ mean, const float* __restrict__ var,
                                                         const float* __restrict__ weight, const float* __restrict__ bias,
                                                         int c, double eps, float* __restrict__ out) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < c; i += (long long)gridDim.x * blockDim.x) {
        double invstd = 1.0 / sqrt(__dadd_rn((double)var[i], eps));
        double a = __dmul_rn(weight == nullptr ? 1.0 : (double)weight[i], invstd);
        double shift = __dadd_rn(bias == nullptr ? 0.0 : (double)bias[i], -__dmul_rn((double)mean[i], a));
        out[i] = (float)a;
        out[c + i] = (float)shift;
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_select_norm_affine_f32);

// As rcnn4j_select_norm_affine_f32 for F64 tensors.
extern "C" __global__ void rcnn4j_select_norm_affine_f64(const double* __restrict__ mean, const double* __restrict__ var,
                                                         const double* __restrict__ weight,
                                                         const double* __restrict__ bias, int c, double eps,
                                                         double* __restrict__ out) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < c; i += (long long)gridDim.x * blockDim.x) {
        double invstd = 1.0 / sqrt(__dadd_rn(var[i], eps));
        double a = __dmul_rn(weight == nullptr ? 1.0 : weight[i], invstd);
        out[i] = a;
        out[c + i] = __dadd_rn(bias == nullptr ? 0.0 : bias[i], -__dmul_rn(mean[i], a));
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_select_norm_affine_f64);

// out row r = src row r where levels[r] == level (rows of rowWords 32-bit words); other rows untouched. With
// one launch per level into a zeroed output, MultiScaleRoIAlign's merge of per-level pooled rows.
extern "C" __global__ void rcnn4j_select_rows_of_level(const unsigned int* __restrict__ src,
                                                       const int* __restrict__ levels, int level, long long rows,
                                                       int rowWords, unsigned int* __restrict__ out) {
    long long total = rows * rowWords;
    for (long long e = (long long)blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long)gridDim.x * blockDim.x) {
        if (levels[e / rowWords] == level) {
            out[e] = src[e];
        }
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_select_rows_of_level);
