// torchvision.ops.box_iou, clip_boxes_to_image and remove_small_boxes, rounding as torchvision's float32 ops do
// (see box_math.cuh). remove_small_boxes compacts the kept indices on the device in one block.
#include "rcnn4j/cuda_compat.cuh"
#include "rcnn4j/box_math.cuh"
#include "rcnn4j/box_scan.cuh"

// out[i, j] = IoU(a[i], b[j]) for a [n,4], b [m,4]. Grid: x over columns, y over rows (both strided).
extern "C" __global__ void rcnn4j_box_ops_iou_f32(const float* __restrict__ a, const float* __restrict__ b, int n, int m,
                                                  float* __restrict__ out) {
    for (long long i = blockIdx.y; i < n; i += gridDim.y) {
        float ax1 = a[4 * i], ay1 = a[4 * i + 1], ax2 = a[4 * i + 2], ay2 = a[4 * i + 3];
        float area1 = rcnn4j_box_area(ax1, ay1, ax2, ay2);
        for (long long j = (long long)blockIdx.x * blockDim.x + threadIdx.x; j < m; j += (long long)gridDim.x * blockDim.x) {
            float bx1 = b[4 * j], by1 = b[4 * j + 1], bx2 = b[4 * j + 2], by2 = b[4 * j + 3];
            float area2 = rcnn4j_box_area(bx1, by1, bx2, by2);
            out[i * m + j] = rcnn4j_box_iou(ax1, ay1, ax2, ay2, area1, bx1, by1, bx2, by2, area2);
        }
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_box_ops_iou_f32);

// count floats of boxes [..., 4]: even positions (x) into [0, width], odd ones (y) into [0, height]; NaN stays.
extern "C" __global__ void rcnn4j_box_ops_clip_f32(const float* __restrict__ in, float* __restrict__ out,
                                                   long long count, float height, float width) {
    for (long long e = (long long)blockIdx.x * blockDim.x + threadIdx.x; e < count; e += (long long)gridDim.x * blockDim.x) {
        float v = in[e];
        float hi = (e & 1) ? height : width;
        if (v == v) {
            v = v > 0.0f ? v : 0.0f;
            v = v < hi ? v : hi;
        }
        out[e] = v;
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_box_ops_clip_f32);

// One block: keep[0..count) = indices i (ascending) of boxes with x2 - x1 >= minSize and y2 - y1 >= minSize.
extern "C" __global__ void rcnn4j_box_ops_remove_small_f32(const float* __restrict__ boxes, int n, float minSize,
                                                           long long* __restrict__ keep, int* __restrict__ count) {
    __shared__ int warpSums[32];
    int written = 0;
    for (int base = 0; base < n; base += blockDim.x) {
        int i = base + threadIdx.x;
        int flag = 0;
        if (i < n) {
            const float* b = boxes + 4LL * i;
            flag = (rcnn4j_box_sub(b[2], b[0]) >= minSize && rcnn4j_box_sub(b[3], b[1]) >= minSize) ? 1 : 0;
        }
        int total;
        int at = written + rcnn4j_box_block_exclusive_scan(flag, warpSums, &total);
        if (flag) {
            keep[at] = i;
        }
        written += total;
    }
    if (threadIdx.x == 0) {
        *count = written;
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_box_ops_remove_small_f32);
