// roi_heads.paste_masks_in_image in one launch: every output pixel of every mask is written once, zero outside
// its box (a store and nothing else), the bilinear resize of the zero-padded mask inside it; or only a window of
// each mask, with the same values (the paste at a detection's window, without the full-size masks). The box geometry
// (expand_boxes, the cast to int64, the clipped paste window) is derived on the device from the float boxes, so
// there is no host sync per mask.
#include "rcnn4j/cuda_compat.cuh"

// Threads of a block: 32 columns (one warp writes 128 contiguous bytes of a row) by 8 rows.
#define RCNN4J_PASTE_MASKS_BLOCK_X 32
#define RCNN4J_PASTE_MASKS_BLOCK_Y 8
// Rows each thread walks (stepping by the block's height), reusing its column's source indices and weights.
#define RCNN4J_PASTE_MASKS_ROWS_PER_THREAD 4

// Products and sums of expand_boxes are rounded one by one, as torch's separate tensor ops round them: a fused
// multiply-add there could move a corner across an integer and shift the whole paste by a pixel.
static __device__ inline float rcnn4j_paste_masks_mul_rn(float a, float b) {
#if defined(__CUDA_ARCH__)
    return __fmul_rn(a, b);
#else
    return a * b;
#endif
}

// Expanded box corner to int64 as torch's .to(int64) (truncation), clamped to +-2^31 first so extents stay exact.
static __device__ inline long long rcnn4j_paste_masks_trunc(float v) {
    return (long long)fminf(fmaxf(v, -2147483648.0f), 2147483648.0f);
}

static __device__ inline bool rcnn4j_paste_masks_finite(float v) {
    return fabsf(v) <= 3.402823466e+38f;  // false for NaN and +-inf
}

// Source index pair and weights along one axis of ATen's upsample_bilinear2d (align_corners=False), in float.
static __device__ inline void rcnn4j_paste_masks_axis(float scale, long long dst, int in, int* i0, int* i1,
                                                      float* l0, float* l1) {
    float s = fmaxf(scale * ((float)dst + 0.5f) - 0.5f, 0.0f);
    int a = (int)s;
    *i0 = a;
    *i1 = a + (a < in - 1 ? 1 : 0);
    *l1 = s - (float)a;
    *l0 = 1.0f - *l1;
}

// Element (r, c) of the mask zero-padded by `padding` (r, c in padded coordinates).
static __device__ inline float rcnn4j_paste_masks_at(const float* __restrict__ mask, int maskSize, int padding, int r,
                                                     int c) {
    int mr = r - padding;
    int mc = c - padding;
    if (mr < 0 || mr >= maskSize || mc < 0 || mc >= maskSize) {
        return 0.0f;
    }
    return __ldg(mask + (long long)mr * maskSize + mc);
}

// The paste geometry of one mask, as the host's PasteWindows derives it: the truncated expanded box's corner
// (x1, y1) and its resize scales, and the paste window [ya, yb) x [xa, xb) in the image (empty for an invalid,
// inverted or outside box).
struct rcnn4j_paste_geometry {
    long long x1, y1, xa, xb, ya, yb;
    float scaleX, scaleY;
};

static __device__ inline rcnn4j_paste_geometry rcnn4j_paste_masks_geometry(const float* box, float boxScale,
                                                                           int padded, int imageHeight,
                                                                           int imageWidth) {
    rcnn4j_paste_geometry g;
    float bx1 = box[0], by1 = box[1], bx2 = box[2], by2 = box[3];
    float wHalf = rcnn4j_paste_masks_mul_rn(rcnn4j_paste_masks_mul_rn(bx2 - bx1, 0.5f), boxScale);
    float hHalf = rcnn4j_paste_masks_mul_rn(rcnn4j_paste_masks_mul_rn(by2 - by1, 0.5f), boxScale);
    float xc = rcnn4j_paste_masks_mul_rn(bx2 + bx1, 0.5f);
    float yc = rcnn4j_paste_masks_mul_rn(by2 + by1, 0.5f);
    float ex1 = xc - wHalf, ey1 = yc - hHalf, ex2 = xc + wHalf, ey2 = yc + hHalf;
    bool valid = rcnn4j_paste_masks_finite(ex1) && rcnn4j_paste_masks_finite(ey1) &&
                 rcnn4j_paste_masks_finite(ex2) && rcnn4j_paste_masks_finite(ey2);
    long long x1 = rcnn4j_paste_masks_trunc(ex1), y1 = rcnn4j_paste_masks_trunc(ey1);
    long long x2 = rcnn4j_paste_masks_trunc(ex2), y2 = rcnn4j_paste_masks_trunc(ey2);
    long long w = x2 - x1 + 1 > 1 ? x2 - x1 + 1 : 1;
    long long h = y2 - y1 + 1 > 1 ? y2 - y1 + 1 : 1;
    g.x1 = x1;
    g.y1 = y1;
    g.xa = x1 > 0 ? x1 : 0;
    g.xb = x2 + 1 < imageWidth ? x2 + 1 : imageWidth;
    g.ya = y1 > 0 ? y1 : 0;
    g.yb = y2 + 1 < imageHeight ? y2 + 1 : imageHeight;
    if (!valid) {
        g.xb = g.xa;
    }
    g.scaleX = (float)padded / (float)w;
    g.scaleY = (float)padded / (float)h;
    return g;
}

// The pasted value at image row y of a column whose source pair and weights are (cx0, cx1, lx0, lx1); the pixel
// must be inside the paste window.
static __device__ inline float rcnn4j_paste_masks_value(const float* __restrict__ mask, int maskSize, int padding,
                                                        int padded, const rcnn4j_paste_geometry& g, long long y,
                                                        int cx0, int cx1, float lx0, float lx1) {
    int ry0, ry1;
    float ly0, ly1;
    rcnn4j_paste_masks_axis(g.scaleY, y - g.y1, padded, &ry0, &ry1, &ly0, &ly1);
    float top = rcnn4j_paste_masks_at(mask, maskSize, padding, ry0, cx0) * lx0 +
                rcnn4j_paste_masks_at(mask, maskSize, padding, ry0, cx1) * lx1;
    float bottom = rcnn4j_paste_masks_at(mask, maskSize, padding, ry1, cx0) * lx0 +
                   rcnn4j_paste_masks_at(mask, maskSize, padding, ry1, cx1) * lx1;
    return top * ly0 + bottom * ly1;
}

// Mask k's pasted values over the window [x0, x1) x [y0, y1) of the image, row-major into out with rows stride
// floats apart: every element of the window written, 0 outside the paste's own window. The block's threads take
// column tiles of BLOCK_X along grid x and row tiles of BLOCK_Y * ROWS_PER_THREAD along grid y (strided when the
// grid is smaller than the window).
static __device__ inline void rcnn4j_paste_masks_window(const float* __restrict__ mask, const float* box,
                                                        int maskSize, int padding, int imageHeight, int imageWidth,
                                                        long long x0, long long y0, long long x1, long long y1,
                                                        float* __restrict__ out, long long stride) {
    const int padded = maskSize + 2 * padding;
    // torchvision: float(M + 2p) / M in double, applied as a float32 scalar
    const float boxScale = (float)((double)padded / (double)maskSize);
    const int rowTile = RCNN4J_PASTE_MASKS_BLOCK_Y * RCNN4J_PASTE_MASKS_ROWS_PER_THREAD;
    const rcnn4j_paste_geometry g = rcnn4j_paste_masks_geometry(box, boxScale, padded, imageHeight, imageWidth);

    for (long long x = x0 + (long long)blockIdx.x * RCNN4J_PASTE_MASKS_BLOCK_X + threadIdx.x; x < x1;
         x += (long long)gridDim.x * RCNN4J_PASTE_MASKS_BLOCK_X) {
        bool colInside = x >= g.xa && x < g.xb;
        int cx0 = 0, cx1 = 0;
        float lx0 = 0.0f, lx1 = 0.0f;
        if (colInside) {
            rcnn4j_paste_masks_axis(g.scaleX, x - g.x1, padded, &cx0, &cx1, &lx0, &lx1);
        }
        for (long long yBase = y0 + (long long)blockIdx.y * rowTile; yBase < y1;
             yBase += (long long)gridDim.y * rowTile) {
#pragma unroll
            for (int r = 0; r < RCNN4J_PASTE_MASKS_ROWS_PER_THREAD; r++) {
                long long y = yBase + threadIdx.y + (long long)r * RCNN4J_PASTE_MASKS_BLOCK_Y;
                if (y >= y1) {
                    break;
                }
                float v = 0.0f;
                if (colInside && y >= g.ya && y < g.yb) {
                    v = rcnn4j_paste_masks_value(mask, maskSize, padding, padded, g, y, cx0, cx1, lx0, lx1);
                }
                out[(y - y0) * stride + (x - x0)] = v;
            }
        }
    }
}

// masks [K,1,M,M], boxes [K,4] (x1,y1,x2,y2), out [K,1,H,W], every element written: each mask's window is the
// whole image. Grid: x over column tiles, y over row tiles, z over masks (each dimension strided when too small).
extern "C" __global__ void rcnn4j_paste_masks_f32(const float* __restrict__ masks, const float* __restrict__ boxes,
                                                  float* __restrict__ out, int numMasks, int maskSize, int padding,
                                                  int imageHeight, int imageWidth) {
    const long long plane = (long long)imageHeight * imageWidth;
    for (int k = blockIdx.z; k < numMasks; k += gridDim.z) {
        rcnn4j_paste_masks_window(masks + (long long)k * maskSize * maskSize, boxes + 4LL * k, maskSize, padding,
                                  imageHeight, imageWidth, 0, 0, imageWidth, imageHeight, out + (long long)k * plane,
                                  imageWidth);
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_paste_masks_f32);

// The same paste, but only window k (windows [K,4] int: x0, y0, x1, y1, half-open, inside the image) of mask k is
// made, row-major at out + offsets[k]: every element of every window written, the full paste's value there (0
// outside the paste window), so no [K,1,H,W] output exists. Grid: x over column tiles of the widest window, y over
// row tiles of the tallest, z over masks (each dimension strided when too small).
extern "C" __global__ void rcnn4j_paste_masks_windows_f32(const float* __restrict__ masks,
                                                          const float* __restrict__ boxes,
                                                          const int* __restrict__ windows,
                                                          const long long* __restrict__ offsets,
                                                          float* __restrict__ out, int numMasks, int maskSize,
                                                          int padding, int imageHeight, int imageWidth) {
    for (int k = blockIdx.z; k < numMasks; k += gridDim.z) {
        const int wx0 = windows[4 * k], wy0 = windows[4 * k + 1], wx1 = windows[4 * k + 2], wy1 = windows[4 * k + 3];
        rcnn4j_paste_masks_window(masks + (long long)k * maskSize * maskSize, boxes + 4LL * k, maskSize, padding,
                                  imageHeight, imageWidth, wx0, wy0, wx1, wy1, out + offsets[k], wx1 - wx0);
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_paste_masks_windows_f32);
