// autograd's losses on F32 tensors (torch.nn.functional semantics): smooth_l1_loss, binary_cross_entropy_with_logits
// and cross_entropy. Forward is a deterministic full reduction (rcnn4j/block_sum.cuh) of per-element (per-row for
// cross entropy) values computed in double, as the CPU backend computes them; backward writes the input gradient
// elementwise, scaled by the scalar upstream gradient g[0] read on the device (no host round trip).
#include "rcnn4j/block_sum.cuh"

// 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (plain L1 for beta 0).
static __device__ inline double rcnn4j_smooth_l1(double d, double beta) {
    const double a = fabs(d);
    return a < beta ? 0.5 * d * d / beta : a - 0.5 * beta;
}

// d smooth_l1 / d d; outside the quadratic zone Java's Math.signum (0, -0 and NaN map to themselves).
static __device__ inline double rcnn4j_smooth_l1_grad(double d, double beta) {
    if (fabs(d) < beta) return d / beta;
    return d > 0.0 ? 1.0 : (d < 0.0 ? -1.0 : d);
}

// max(x, 0) - x y + log1p(exp(-|x|)): BCE of sigmoid(x) against y without overflow. max keeps NaN (Java's Math.max).
static __device__ inline double rcnn4j_bce_with_logits(double x, double y) {
    const double relu = (x > 0.0 || x != x) ? x : 0.0;
    return relu - x * y + log1p(exp(-fabs(x)));
}

// Split on the sign so exp never overflows.
static __device__ inline double rcnn4j_losses_sigmoid(double x) {
    if (x >= 0.0) return 1.0 / (1.0 + exp(-x));
    const double z = exp(x);
    return z / (1.0 + z);
}

// partial[blockIdx.x] = sum of smooth_l1(x[i] - y[i], beta) over the block's slice. Reduction grid.
extern "C" __global__ void rcnn4j_losses_smooth_l1_partial_f32(const float* __restrict__ x,
                                                               const float* __restrict__ y, long long n, double beta,
                                                               double* __restrict__ partial) {
    __shared__ double shared[RCNN4J_SUM_THREADS];
    rcnn4j_sum_partial(n, [=](long long i) { return rcnn4j_smooth_l1((double)x[i] - (double)y[i], beta); }, shared,
                       partial);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_losses_smooth_l1_partial_f32);

// gx = g[0] * scale * smooth_l1'(x - y), gy = -gx; either output may be null (no gradient wanted). Grid-stride.
extern "C" __global__ void rcnn4j_losses_smooth_l1_backward_f32(const float* __restrict__ x,
                                                                const float* __restrict__ y, long long n,
                                                                double beta, const float* __restrict__ g,
                                                                double scale, float* __restrict__ gx,
                                                                float* __restrict__ gy) {
    const double k = (double)g[0] * scale;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        const double d = k * rcnn4j_smooth_l1_grad((double)x[i] - (double)y[i], beta);
        if (gx != nullptr) gx[i] = (float)d;
        if (gy != nullptr) gy[i] = (float)-d;
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_losses_smooth_l1_backward_f32);

// partial[blockIdx.x] = sum of bce_with_logits(x[i], y[i]) over the block's slice. Reduction grid.
extern "C" __global__ void rcnn4j_losses_bce_with_logits_partial_f32(const float* __restrict__ x,
                                                                     const float* __restrict__ y, long long n,
                                                                     double* __restrict__ partial) {
    __shared__ double shared[RCNN4J_SUM_THREADS];
    rcnn4j_sum_partial(n, [=](long long i) { return rcnn4j_bce_with_logits((double)x[i], (double)y[i]); }, shared,
                       partial);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_losses_bce_with_logits_partial_f32);

// gx = k (sigmoid(x) - y), gy = -k x with k = g[0] * scale; either output may be null. Grid-stride.
extern "C" __global__ void rcnn4j_losses_bce_with_logits_backward_f32(const float* __restrict__ x,
                                                                      const float* __restrict__ y, long long n,
                                                                      const float* __restrict__ g, double scale,
                                                                      float* __restrict__ gx,
                                                                      float* __restrict__ gy) {
    const double k = (double)g[0] * scale;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        const double xi = (double)x[i];
        if (gx != nullptr) gx[i] = (float)(k * (rcnn4j_losses_sigmoid(xi) - (double)y[i]));
        if (gy != nullptr) gy[i] = (float)(-k * xi);
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_losses_bce_with_logits_backward_f32);

// Cross entropy of logits x [rows, classes] against target [rows] (int64). Each thread takes whole rows: lse[r] =
// log-sum-exp of row r (max subtracted; kept for backward), and for a counted row (target != ignoreIndex) the loss
// lse - x[r, target] and a count of 1. partial[blockIdx.x] = the block's loss sum, partial[gridDim.x + blockIdx.x]
// its count. The host checked the targets; one out of range anyway gives NaN instead of a wild read.
extern "C" __global__ void rcnn4j_losses_cross_entropy_partial_f32(const float* __restrict__ x,
                                                                   const long long* __restrict__ target,
                                                                   long long rows, int classes,
                                                                   long long ignoreIndex, double* __restrict__ lse,
                                                                   double* __restrict__ partial) {
    __shared__ double shared[RCNN4J_SUM_THREADS];
    double loss = 0.0;
    double count = 0.0;
    RCNN4J_SUM_LOOP(r, rows) {
        const float* row = x + r * classes;
        double m = -INFINITY;
        for (int j = 0; j < classes; j++) {
            const double v = (double)row[j];
            if (v > m || v != v) m = v;  // Java's Math.max: NaN sticks
        }
        double z = 0.0;
        for (int j = 0; j < classes; j++) z += exp((double)row[j] - m);
        const double l = m + log(z);
        lse[r] = l;
        const long long t = target[r];
        if (t == ignoreIndex) continue;
        loss += (t >= 0 && t < classes) ? l - (double)row[t] : (double)NAN;
        count += 1.0;
    }
    loss = rcnn4j_block_sum(loss, shared);
    count = rcnn4j_block_sum(count, shared);
    if (threadIdx.x == 0) {
        partial[blockIdx.x] = loss;
        partial[gridDim.x + blockIdx.x] = count;
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_losses_cross_entropy_partial_f32);

// out[0] = (float)(loss * scale[0]) with scale[0] = 1 / counted rows, saved for backward; partial holds parts loss
// sums then parts counts. No counted row gives 0 * inf = NaN, as torch. Grid: one block of RCNN4J_SUM_THREADS.
extern "C" __global__ void rcnn4j_losses_cross_entropy_finish_f32(const double* __restrict__ partial, int parts,
                                                                  float* __restrict__ out,
                                                                  double* __restrict__ scale) {
    __shared__ double shared[RCNN4J_SUM_THREADS];
    const double loss = rcnn4j_sum_partials(partial, parts, shared);
    const double count = rcnn4j_sum_partials(partial + parts, parts, shared);
    if (threadIdx.x == 0) {
        const double s = 1.0 / count;
        scale[0] = s;
        out[0] = (float)(loss * s);
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_losses_cross_entropy_finish_f32);

// gx[r, j] = g[0] * scale[0] * (softmax(x[r])[j] - (j == target[r])), 0 * that factor for an ignored row (as the
// CPU backend: NaN when no row counted). lse from the partial kernel. Grid-stride over rows * classes.
extern "C" __global__ void rcnn4j_losses_cross_entropy_backward_f32(const float* __restrict__ x,
                                                                    const long long* __restrict__ target,
                                                                    long long rows, int classes,
                                                                    long long ignoreIndex,
                                                                    const double* __restrict__ lse,
                                                                    const float* __restrict__ g,
                                                                    const double* __restrict__ scale,
                                                                    float* __restrict__ gx) {
    const double k = (double)g[0] * scale[0];
    const long long n = rows * classes;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        const long long r = i / classes;
        const long long t = target[r];
        // an ignored row's gradient is 0 even when every row is ignored and k = g / 0 (torch writes counted rows only)
        float v = 0.0f;
        if (t != ignoreIndex) {
            double d = exp((double)x[i] - lse[r]);
            if (i - r * classes == t) d -= 1.0;
            v = (float)(d * k);
        }
        gx[i] = v;
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_losses_cross_entropy_backward_f32);
