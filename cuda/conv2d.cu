// conv2d (torch.nn.functional.conv2d, NCHW, weight [O, C/groups, kh, kw]) and its gradients as implicit GEMMs on
// the tiled core of rcnn4j/gemm_tile.cuh: the im2col matrix is never materialized, its elements are gathered
// from the image by the tile loaders. Per group g (grid z), with P = OH*OW output pixels, Kc = (C/groups)*kh*kw:
//   forward      Y[o][(n,p)]     = sum_r W[o][r] * im2col[r][(n,p)] + bias[o]     M = O/groups, N = batch*P, K = Kc
//   grad input   dX[c][(n,y,x)]  = sum_(o,tap) W[o][c,tap] * dY[n][o][pixel reading (y,x) through tap]
//                                  (a gather over the transposed problem: each dX element written once, no atomics)
//                                                                                  M = C/groups, N = batch*H*W, K = (O/groups)*kh*kw
//   grad weight  dW[o][r]        = sum_(n,p) dY[n][o][p] * im2col[r][(n,p)]        M = O/groups, N = Kc, K = batch*P
//                (K is split across grid z when the tile grid alone is small; partial sums reduced in a fixed order)
//   grad bias    db[o]           = sum_(n,p) dY[n][o][p]                           (one block per channel, tree sum)
// Everything is deterministic. Geometry arguments, in order: N C H W O kh kw sh sw ph pw dh dw groups OH OW.
#include "rcnn4j/cuda_compat.cuh"
#include "rcnn4j/gemm_tile.cuh"

#define RCNN4J_CONV2D_GEOMETRY_PARAMS                                                                          \
    int N, int C, int H, int W, int O, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int groups, \
        int OH, int OW
#define RCNN4J_CONV2D_GEOMETRY_ARGS N, C, H, W, O, kh, kw, sh, sw, ph, pw, dh, dw, groups, OH, OW

// Forward B: im2col[r][q] of group g for q = (n, p) over the batch; each thread keeps one column q (mapping along N).
template <typename T>
struct Rcnn4jConv2dIm2col {
    const T* __restrict__ x;
    int H, W, kw, khw, dh, dw, depth;  // depth = Kc
    long long base;                    // image n, first channel of group g
    int iy0, ix0;                      // input pixel of tap (0, 0)
    bool valid;

    __device__ void fetch(int k0, T* r) const {
        const int t = threadIdx.x;
#pragma unroll
        for (int q = 0; q < RCNN4J_GT_LOADS; ++q) {
            const int k = k0 + rcnn4j_gt_mn_major_k(t, q);
            T v = (T)0;
            if (valid && k < depth) {
                const int c = k / khw;
                const int tap = k - c * khw;
                const int ki = tap / kw;
                const int iy = iy0 + ki * dh;
                const int ix = ix0 + (tap - ki * kw) * dw;
                if (iy >= 0 && iy < H && ix >= 0 && ix < W) v = x[base + ((long long)c * H + iy) * W + ix];
            }
            r[q] = v;
        }
    }

    __device__ void put(T (*tile)[RCNN4J_GT_PAD], const T* r) const { rcnn4j_gt_put(tile, r, false); }
};

// Stores a 64 x 64 tile of results whose rows are channels m0.. of group g (rowsInGroup channels per group,
// channels in all) and whose columns are q = n*P + p over the batch (Q of them) into an NCHW tensor: the epilogue
// of forward and grad input, which differ only in forward's bias. WithBias adds hasBias ? bias[channel] : 0 (the
// add is kept even without a bias so forward's values, -0 included, stay as they were).
template <typename T, bool WithBias>
static __device__ inline void rcnn4j_conv2d_store_nchw(const T (&acc)[4][4], T* __restrict__ out,
                                                       const T* __restrict__ bias, int hasBias, int g,
                                                       int rowsInGroup, int channels, int m0, long long n0,
                                                       long long Q, int P) {
    const int tx = threadIdx.x % 16;
    const int ty = threadIdx.x / 16;
#pragma unroll
    for (int j = 0; j < 4; ++j) {
        const long long qq = n0 + tx + 16 * j;
        if (qq >= Q) continue;
        const int nn = (int)(qq / P);
        const int pp = (int)(qq - (long long)nn * P);
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            const int m = m0 + ty + 16 * i;
            if (m >= rowsInGroup) continue;
            const int ch = g * rowsInGroup + m;
            T v = acc[i][j];
            if (WithBias) v = v + (hasBias ? bias[ch] : (T)0);
            out[((long long)nn * channels + ch) * P + pp] = v;
        }
    }
}

template <typename T>
static __device__ inline void rcnn4j_conv2d_forward_run(const T* __restrict__ x, const T* __restrict__ w,
                                                        const T* __restrict__ bias, T* __restrict__ y, int hasBias,
                                                        RCNN4J_CONV2D_GEOMETRY_PARAMS, T (*As)[RCNN4J_GT_PAD],
                                                        T (*Bs)[RCNN4J_GT_PAD]) {
    const int g = blockIdx.z;
    const int Cg = C / groups, Og = O / groups, khw = kh * kw, Kc = Cg * khw, P = OH * OW;
    const long long Q = (long long)N * P;
    const int m0 = blockIdx.y * RCNN4J_GT_BM;
    const long long n0 = (long long)blockIdx.x * RCNN4J_GT_BN;

    Rcnn4jGtMatrix<T> la{w + (long long)g * Og * Kc, Kc, Og, Kc, m0, false};
    Rcnn4jConv2dIm2col<T> lb;
    lb.x = x;
    lb.H = H;
    lb.W = W;
    lb.kw = kw;
    lb.khw = khw;
    lb.dh = dh;
    lb.dw = dw;
    lb.depth = Kc;
    const long long q = n0 + rcnn4j_gt_mn_major_row(threadIdx.x);
    lb.valid = q < Q;
    const int n = lb.valid ? (int)(q / P) : 0;
    const int p = lb.valid ? (int)(q - (long long)n * P) : 0;
    lb.base = ((long long)n * C + (long long)g * Cg) * H * W;
    lb.iy0 = (p / OW) * sh - ph;
    lb.ix0 = (p % OW) * sw - pw;

    T acc[4][4];
    rcnn4j_gt_mainloop<T>(la, lb, 0, Kc, As, Bs, acc);
    rcnn4j_conv2d_store_nchw<T, true>(acc, y, bias, hasBias, g, Og, O, m0, n0, Q, P);
}

// x [N,C,H,W], w [O,C/groups,kh,kw], bias [O] (read only when hasBias), y [N,O,OH,OW] fully written.
// Grid: (ceil(N*OH*OW/64), ceil((O/groups)/64), groups), 256 threads.
extern "C" __global__ void rcnn4j_conv2d_forward_f32(const float* __restrict__ x, const float* __restrict__ w,
                                                     const float* __restrict__ bias, float* __restrict__ y,
                                                     int hasBias, RCNN4J_CONV2D_GEOMETRY_PARAMS) {
    __shared__ float As[RCNN4J_GT_BK][RCNN4J_GT_PAD];
    __shared__ float Bs[RCNN4J_GT_BK][RCNN4J_GT_PAD];
    rcnn4j_conv2d_forward_run<float>(x, w, bias, y, hasBias, RCNN4J_CONV2D_GEOMETRY_ARGS, As, Bs);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_conv2d_forward_f32);

extern "C" __global__ void rcnn4j_conv2d_forward_f64(const double* __restrict__ x, const double* __restrict__ w,
                                                     const double* __restrict__ bias, double* __restrict__ y,
                                                     int hasBias, RCNN4J_CONV2D_GEOMETRY_PARAMS) {
    __shared__ double As[RCNN4J_GT_BK][RCNN4J_GT_PAD];
    __shared__ double Bs[RCNN4J_GT_BK][RCNN4J_GT_PAD];
    rcnn4j_conv2d_forward_run<double>(x, w, bias, y, hasBias, RCNN4J_CONV2D_GEOMETRY_ARGS, As, Bs);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_conv2d_forward_f64);

// Grad input A: W^T of group g, A[c][(o, tap)] = w[g*Og + o][c][tap] (mapping along K: taps are contiguous).
template <typename T>
struct Rcnn4jConv2dWeightT {
    const T* __restrict__ w;  // first weight of group g
    int Cg, khw, depth, m0;   // depth = Og*khw

    __device__ void fetch(int k0, T* r) const {
        const int t = threadIdx.x;
        const int k = k0 + rcnn4j_gt_k_major_k(t);
        const int o = k / khw;
        const int tap = k - o * khw;
#pragma unroll
        for (int q = 0; q < RCNN4J_GT_LOADS; ++q) {
            const int c = m0 + rcnn4j_gt_k_major_row(t, q);
            r[q] = (c < Cg && k < depth) ? w[((long long)o * Cg + c) * khw + tap] : (T)0;
        }
    }

    __device__ void put(T (*tile)[RCNN4J_GT_PAD], const T* r) const { rcnn4j_gt_put(tile, r, true); }
};

// Grad input B: B[(o, tap)][(n, y, x)] = dY[n][g*Og + o] at the output pixel whose window puts tap on (y, x), zero
// when there is none (off the stride grid or outside the output). Each thread keeps one column (n, y, x).
template <typename T>
struct Rcnn4jConv2dGradGather {
    const T* __restrict__ dy;
    int kw, khw, sh, sw, dh, dw, OH, OW, depth;  // depth = Og*khw
    long long base;                              // dY of image n, first channel of group g
    int yp, xp;                                  // y + ph, x + pw
    bool valid;

    __device__ void fetch(int k0, T* r) const {
        const int t = threadIdx.x;
#pragma unroll
        for (int q = 0; q < RCNN4J_GT_LOADS; ++q) {
            const int k = k0 + rcnn4j_gt_mn_major_k(t, q);
            T v = (T)0;
            if (valid && k < depth) {
                const int o = k / khw;
                const int tap = k - o * khw;
                const int ki = tap / kw;
                const int vy = yp - ki * dh;
                const int vx = xp - (tap - ki * kw) * dw;
                if (vy >= 0 && vx >= 0) {
                    const int oy = vy / sh;
                    const int ox = vx / sw;
                    if (oy * sh == vy && ox * sw == vx && oy < OH && ox < OW) {
                        v = dy[base + ((long long)o * OH + oy) * OW + ox];
                    }
                }
            }
            r[q] = v;
        }
    }

    __device__ void put(T (*tile)[RCNN4J_GT_PAD], const T* r) const { rcnn4j_gt_put(tile, r, false); }
};

template <typename T>
static __device__ inline void rcnn4j_conv2d_grad_input_run(const T* __restrict__ dy, const T* __restrict__ w,
                                                           T* __restrict__ dx, RCNN4J_CONV2D_GEOMETRY_PARAMS,
                                                           T (*As)[RCNN4J_GT_PAD], T (*Bs)[RCNN4J_GT_PAD]) {
    const int g = blockIdx.z;
    const int Cg = C / groups, Og = O / groups, khw = kh * kw, HW = H * W;
    const int depth = Og * khw;
    const long long Q = (long long)N * HW;
    const int m0 = blockIdx.y * RCNN4J_GT_BM;
    const long long n0 = (long long)blockIdx.x * RCNN4J_GT_BN;

    Rcnn4jConv2dWeightT<T> la{w + (long long)g * Og * Cg * khw, Cg, khw, depth, m0};
    Rcnn4jConv2dGradGather<T> lb;
    lb.dy = dy;
    lb.kw = kw;
    lb.khw = khw;
    lb.sh = sh;
    lb.sw = sw;
    lb.dh = dh;
    lb.dw = dw;
    lb.OH = OH;
    lb.OW = OW;
    lb.depth = depth;
    const long long q = n0 + rcnn4j_gt_mn_major_row(threadIdx.x);
    lb.valid = q < Q;
    const int n = lb.valid ? (int)(q / HW) : 0;
    const int pix = lb.valid ? (int)(q - (long long)n * HW) : 0;
    lb.base = ((long long)n * O + (long long)g * Og) * OH * OW;
    lb.yp = pix / W + ph;
    lb.xp = pix % W + pw;

    T acc[4][4];
    rcnn4j_gt_mainloop<T>(la, lb, 0, depth, As, Bs, acc);
    rcnn4j_conv2d_store_nchw<T, false>(acc, dx, (const T*)nullptr, 0, g, Cg, C, m0, n0, Q, HW);
}

// dy [N,O,OH,OW], w [O,C/groups,kh,kw], dx [N,C,H,W] fully written.
// Grid: (ceil(N*H*W/64), ceil((C/groups)/64), groups), 256 threads.
extern "C" __global__ void rcnn4j_conv2d_grad_input_f32(const float* __restrict__ dy, const float* __restrict__ w,
                                                        float* __restrict__ dx, RCNN4J_CONV2D_GEOMETRY_PARAMS) {
    __shared__ float As[RCNN4J_GT_BK][RCNN4J_GT_PAD];
    __shared__ float Bs[RCNN4J_GT_BK][RCNN4J_GT_PAD];
    rcnn4j_conv2d_grad_input_run<float>(dy, w, dx, RCNN4J_CONV2D_GEOMETRY_ARGS, As, Bs);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_conv2d_grad_input_f32);

extern "C" __global__ void rcnn4j_conv2d_grad_input_f64(const double* __restrict__ dy, const double* __restrict__ w,
                                                        double* __restrict__ dx, RCNN4J_CONV2D_GEOMETRY_PARAMS) {
    __shared__ double As[RCNN4J_GT_BK][RCNN4J_GT_PAD];
    __shared__ double Bs[RCNN4J_GT_BK][RCNN4J_GT_PAD];
    rcnn4j_conv2d_grad_input_run<double>(dy, w, dx, RCNN4J_CONV2D_GEOMETRY_ARGS, As, Bs);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_conv2d_grad_input_f64);

// Grad weight A: dY of group g, A[o][(n, p)] = dY[n][g*Og + o][p] (mapping along K: pixels are contiguous).
template <typename T>
struct Rcnn4jConv2dGradOut {
    const T* __restrict__ dy;
    int O, Og, P, goff, m0;  // goff = g*Og
    long long depth;         // N*P

    __device__ void fetch(int k0, T* r) const {
        const int t = threadIdx.x;
        const long long k = (long long)k0 + rcnn4j_gt_k_major_k(t);
        const bool inK = k < depth;
        const int n = inK ? (int)(k / P) : 0;
        const int p = inK ? (int)(k - (long long)n * P) : 0;
#pragma unroll
        for (int q = 0; q < RCNN4J_GT_LOADS; ++q) {
            const int o = m0 + rcnn4j_gt_k_major_row(t, q);
            r[q] = (inK && o < Og) ? dy[((long long)n * O + goff + o) * P + p] : (T)0;
        }
    }

    __device__ void put(T (*tile)[RCNN4J_GT_PAD], const T* r) const { rcnn4j_gt_put(tile, r, true); }
};

// Grad weight B: im2col^T, B[(n, p)][r] = im2col[r][(n, p)]; each thread keeps one column r (its channel and tap).
template <typename T>
struct Rcnn4jConv2dIm2colT {
    const T* __restrict__ x;
    int C, H, W, P, OW, sh, sw;
    long long depth;  // N*P
    long long coff;   // channel g*Cg + c of image 0
    int yoff, xoff;   // ki*dh - ph, kj*dw - pw
    bool valid;

    __device__ void fetch(int k0, T* r) const {
        const int t = threadIdx.x;
#pragma unroll
        for (int q = 0; q < RCNN4J_GT_LOADS; ++q) {
            const long long k = (long long)k0 + rcnn4j_gt_mn_major_k(t, q);
            T v = (T)0;
            if (valid && k < depth) {
                const int n = (int)(k / P);
                const int p = (int)(k - (long long)n * P);
                const int oy = p / OW;
                const int iy = oy * sh + yoff;
                const int ix = (p - oy * OW) * sw + xoff;
                if (iy >= 0 && iy < H && ix >= 0 && ix < W) {
                    v = x[((long long)n * C * H + coff * H + iy) * W + ix];
                }
            }
            r[q] = v;
        }
    }

    __device__ void put(T (*tile)[RCNN4J_GT_PAD], const T* r) const { rcnn4j_gt_put(tile, r, false); }
};

template <typename T>
static __device__ inline void rcnn4j_conv2d_grad_weight_run(const T* __restrict__ dy, const T* __restrict__ x,
                                                            T* __restrict__ out, int splits, int chunk,
                                                            RCNN4J_CONV2D_GEOMETRY_PARAMS, T (*As)[RCNN4J_GT_PAD],
                                                            T (*Bs)[RCNN4J_GT_PAD]) {
    const int g = blockIdx.z / splits;
    const int s = blockIdx.z - g * splits;
    const int Cg = C / groups, Og = O / groups, khw = kh * kw, Kc = Cg * khw, P = OH * OW;
    const long long depth = (long long)N * P;
    const int m0 = blockIdx.y * RCNN4J_GT_BM;
    const int n0 = blockIdx.x * RCNN4J_GT_BN;
    // this split's K range; chunk is a multiple of the K step, and N*P < 2^31 (an output tensor's size)
    const int kBegin = s * chunk;
    const int kEnd = (int)(depth < (long long)kBegin + chunk ? depth : (long long)kBegin + chunk);

    Rcnn4jConv2dGradOut<T> la{dy, O, Og, P, g * Og, m0, depth};
    Rcnn4jConv2dIm2colT<T> lb;
    lb.x = x;
    lb.C = C;
    lb.H = H;
    lb.W = W;
    lb.P = P;
    lb.OW = OW;
    lb.sh = sh;
    lb.sw = sw;
    lb.depth = depth;
    const int r = n0 + rcnn4j_gt_mn_major_row(threadIdx.x);
    lb.valid = r < Kc;
    const int c = lb.valid ? r / khw : 0;
    const int tap = lb.valid ? r - c * khw : 0;
    const int ki = tap / kw;
    lb.coff = (long long)g * Cg + c;
    lb.yoff = ki * dh - ph;
    lb.xoff = (tap - ki * kw) * dw - pw;

    T acc[4][4];
    rcnn4j_gt_mainloop<T>(la, lb, kBegin, kEnd, As, Bs, acc);

    // one split writes dW directly; several write their partial sums to slices of a workspace
    T* dst = out + (long long)s * O * Kc;
    const int tx = threadIdx.x % 16;
    const int ty = threadIdx.x / 16;
#pragma unroll
    for (int i = 0; i < 4; ++i) {
        const int o = m0 + ty + 16 * i;
        if (o >= Og) continue;
#pragma unroll
        for (int j = 0; j < 4; ++j) {
            const int rr = n0 + tx + 16 * j;
            if (rr >= Kc) continue;
            dst[((long long)g * Og + o) * Kc + rr] = acc[i][j];
        }
    }
}

// dy [N,O,OH,OW], x [N,C,H,W]; out is dW [O,C/groups,kh,kw] when splits == 1, else a workspace of splits such
// slices (reduce with rcnn4j_conv2d_sum_splits_*). Split s covers K = N*OH*OW indices [s*chunk, (s+1)*chunk),
// chunk a multiple of 16. Grid: (ceil(Kc/64), ceil((O/groups)/64), groups*splits), 256 threads.
extern "C" __global__ void rcnn4j_conv2d_grad_weight_f32(const float* __restrict__ dy, const float* __restrict__ x,
                                                         float* __restrict__ out, int splits, int chunk,
                                                         RCNN4J_CONV2D_GEOMETRY_PARAMS) {
    __shared__ float As[RCNN4J_GT_BK][RCNN4J_GT_PAD];
    __shared__ float Bs[RCNN4J_GT_BK][RCNN4J_GT_PAD];
    rcnn4j_conv2d_grad_weight_run<float>(dy, x, out, splits, chunk, RCNN4J_CONV2D_GEOMETRY_ARGS, As, Bs);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_conv2d_grad_weight_f32);

extern "C" __global__ void rcnn4j_conv2d_grad_weight_f64(const double* __restrict__ dy,
                                                         const double* __restrict__ x, double* __restrict__ out,
                                                         int splits, int chunk, RCNN4J_CONV2D_GEOMETRY_PARAMS) {
    __shared__ double As[RCNN4J_GT_BK][RCNN4J_GT_PAD];
    __shared__ double Bs[RCNN4J_GT_BK][RCNN4J_GT_PAD];
    rcnn4j_conv2d_grad_weight_run<double>(dy, x, out, splits, chunk, RCNN4J_CONV2D_GEOMETRY_ARGS, As, Bs);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_conv2d_grad_weight_f64);

// out[i] = sum over s < splits of parts[s*count + i], in order of s. Grid: linear over count.
template <typename T>
static __device__ inline void rcnn4j_conv2d_sum_splits_run(const T* __restrict__ parts, T* __restrict__ out,
                                                           int splits, int count) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < count;
         i += (long long)gridDim.x * blockDim.x) {
        T sum = (T)0;
        for (int s = 0; s < splits; ++s) sum += parts[(long long)s * count + i];
        out[i] = sum;
    }
}

extern "C" __global__ void rcnn4j_conv2d_sum_splits_f32(const float* __restrict__ parts, float* __restrict__ out,
                                                        int splits, int count) {
    rcnn4j_conv2d_sum_splits_run<float>(parts, out, splits, count);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_conv2d_sum_splits_f32);

extern "C" __global__ void rcnn4j_conv2d_sum_splits_f64(const double* __restrict__ parts, double* __restrict__ out,
                                                        int splits, int count) {
    rcnn4j_conv2d_sum_splits_run<double>(parts, out, splits, count);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_conv2d_sum_splits_f64);

#define RCNN4J_CONV2D_BIAS_THREADS 256

// db[o] = sum over n, p of dy[n][o][p]: one block per channel, each thread a strided partial sum, then a tree.
template <typename T>
static __device__ inline void rcnn4j_conv2d_grad_bias_run(const T* __restrict__ dy, T* __restrict__ db, int N,
                                                          int O, int P, T* partial) {
    const int o = blockIdx.x;
    const long long count = (long long)N * P;
    T sum = (T)0;
    for (long long i = threadIdx.x; i < count; i += RCNN4J_CONV2D_BIAS_THREADS) {
        const int n = (int)(i / P);
        sum += dy[((long long)n * O + o) * P + (i - (long long)n * P)];
    }
    partial[threadIdx.x] = sum;
    __syncthreads();
    for (int half = RCNN4J_CONV2D_BIAS_THREADS / 2; half > 0; half /= 2) {
        if ((int)threadIdx.x < half) partial[threadIdx.x] += partial[threadIdx.x + half];
        __syncthreads();
    }
    if (threadIdx.x == 0) db[o] = partial[0];
}

// dy [N,O,P], db [O] fully written. Grid: (O), 256 threads.
extern "C" __global__ void rcnn4j_conv2d_grad_bias_f32(const float* __restrict__ dy, float* __restrict__ db, int N,
                                                       int O, int P) {
    __shared__ float partial[RCNN4J_CONV2D_BIAS_THREADS];
    rcnn4j_conv2d_grad_bias_run<float>(dy, db, N, O, P, partial);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_conv2d_grad_bias_f32);

extern "C" __global__ void rcnn4j_conv2d_grad_bias_f64(const double* __restrict__ dy, double* __restrict__ db,
                                                       int N, int O, int P) {
    __shared__ double partial[RCNN4J_CONV2D_BIAS_THREADS];
    rcnn4j_conv2d_grad_bias_run<double>(dy, db, N, O, P, partial);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_conv2d_grad_bias_f64);
