// Device-side glue of roi_heads.project_masks_on_boxes (Mask R-CNN training targets): the [K,5] RoIs
// (matched ground-truth index, proposal box) and the float copy of uint8 ground-truth masks that roi_align reads,
// built without a round trip through the host.
#include "rcnn4j/cuda_compat.cuh"

// rois[i] = (matched[i], proposals[i, 0..3]) as float32, as torch.cat([matched_idxs.to(boxes)[:, None], boxes], 1).
// I is the index type of matched_idxs (long long or int).
template <typename I>
static __device__ inline void rcnn4j_mask_targets_rois(const I* __restrict__ matched,
                                                       const float* __restrict__ proposals, float* __restrict__ rois,
                                                       int numRois) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < numRois;
         i += (long long)gridDim.x * blockDim.x) {
        rois[5 * i] = (float)matched[i];
        rois[5 * i + 1] = proposals[4 * i];
        rois[5 * i + 2] = proposals[4 * i + 1];
        rois[5 * i + 3] = proposals[4 * i + 2];
        rois[5 * i + 4] = proposals[4 * i + 3];
    }
}

extern "C" __global__ void rcnn4j_mask_targets_rois_i64(const long long* __restrict__ matched,
                                                        const float* __restrict__ proposals,
                                                        float* __restrict__ rois, int numRois) {
    rcnn4j_mask_targets_rois<long long>(matched, proposals, rois, numRois);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_mask_targets_rois_i64);

extern "C" __global__ void rcnn4j_mask_targets_rois_i32(const int* __restrict__ matched,
                                                        const float* __restrict__ proposals,
                                                        float* __restrict__ rois, int numRois) {
    rcnn4j_mask_targets_rois<int>(matched, proposals, rois, numRois);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_mask_targets_rois_i32);

// dst[i] = (float)src[i] for n uint8 values (gt_masks.to(float32)).
extern "C" __global__ void rcnn4j_mask_targets_u8_to_f32(const unsigned char* __restrict__ src,
                                                         float* __restrict__ dst, long long n) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        dst[i] = (float)src[i];
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_mask_targets_u8_to_f32);
