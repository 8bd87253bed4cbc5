// AnchorGenerator for one feature level: anchor (y, x, a) = shift (x*strideW, y*strideH) + base anchor a, where
// base anchor a (ratio a / numSizes, size a % numSizes) is computed as torchvision does in float32:
// h = sqrt(ratio), w = 1/h, half extents w*size/2 and h*size/2 rounded half to even.
#include "rcnn4j/cuda_compat.cuh"
#include "rcnn4j/box_math.cuh"

// out [featureHeight*featureWidth*A, 4], A = numSizes*numRatios; one thread per anchor (grid-stride).
extern "C" __global__ void rcnn4j_anchors_grid_f32(const int* __restrict__ sizes, int numSizes,
                                                   const float* __restrict__ ratios, int numRatios, int featureHeight,
                                                   int featureWidth, int strideHeight, int strideWidth,
                                                   float* __restrict__ out) {
    int perLocation = numSizes * numRatios;
    long long total = (long long)featureHeight * featureWidth * perLocation;
    for (long long e = (long long)blockIdx.x * blockDim.x + threadIdx.x; e < total; e += (long long)gridDim.x * blockDim.x) {
        int a = (int)(e % perLocation);
        long long location = e / perLocation;
        int x = (int)(location % featureWidth);
        int y = (int)(location / featureWidth);
        float hRatio = sqrtf(ratios[a / numSizes]);
        float wRatio = rcnn4j_box_div(1.0f, hRatio);
        float size = (float)sizes[a % numSizes];
        float ws = rcnn4j_box_mul(wRatio, size);
        float hs = rcnn4j_box_mul(hRatio, size);
        float sx = (float)(x * strideWidth);
        float sy = (float)(y * strideHeight);
        float* o = out + 4 * e;
        o[0] = rcnn4j_box_add(sx, rcnn4j_box_round_half_even(rcnn4j_box_mul(-ws, 0.5f)));
        o[1] = rcnn4j_box_add(sy, rcnn4j_box_round_half_even(rcnn4j_box_mul(-hs, 0.5f)));
        o[2] = rcnn4j_box_add(sx, rcnn4j_box_round_half_even(rcnn4j_box_mul(ws, 0.5f)));
        o[3] = rcnn4j_box_add(sy, rcnn4j_box_round_half_even(rcnn4j_box_mul(hs, 0.5f)));
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_anchors_grid_f32);
