// C = op(A)·op(B) (+ beta·C): the tiled SGEMM/DGEMM of rcnn4j_gemm_tile.cuh on plain row-major matrices, either
// operand optionally transposed. One block per 64 x 64 tile of C (grid x over columns, y over rows).
#include "rcnn4j/cuda_compat.cuh"
#include "rcnn4j/gemm_tile.cuh"

template <typename T>
static __device__ inline void rcnn4j_gemm_run(int M, int N, int K, const T* __restrict__ A, int lda, int transA,
                                              const T* __restrict__ B, int ldb, int transB, T* __restrict__ C, int ldc,
                                              T beta, T (*As)[RCNN4J_GT_PAD], T (*Bs)[RCNN4J_GT_PAD]) {
    const int m0 = blockIdx.y * RCNN4J_GT_BM;
    const int n0 = blockIdx.x * RCNN4J_GT_BN;
    // A's tile is op(A)[m0.., k]; B's is op(B)^T[n0.., k]: op(B)^T is B^T when B is not transposed, i.e. the
    // stored matrix read "transposed", and B itself when it is
    Rcnn4jGtMatrix<T> la{A, lda, M, K, m0, transA != 0};
    Rcnn4jGtMatrix<T> lb{B, ldb, N, K, n0, transB == 0};
    T acc[4][4];
    rcnn4j_gt_mainloop<T>(la, lb, 0, K, As, Bs, acc);
    const int tx = threadIdx.x % 16;
    const int ty = threadIdx.x / 16;
#pragma unroll
    for (int i = 0; i < 4; ++i) {
        const int row = m0 + ty + 16 * i;
        if (row >= M) continue;
#pragma unroll
        for (int j = 0; j < 4; ++j) {
            const int col = n0 + tx + 16 * j;
            if (col >= N) continue;
            T* c = C + (long long)row * ldc + col;
            // beta == 0 overwrites, so C's previous contents (even NaN) do not leak in
            *c = beta == (T)0 ? acc[i][j] : acc[i][j] + beta * *c;
        }
    }
}

// M x N result; A is [M,K] (or [K,M] when transA), B is [K,N] (or [N,K] when transB), all row-major with the given
// leading dimensions. Grid: (ceil(N/64), ceil(M/64)), 256 threads.
extern "C" __global__ void rcnn4j_gemm_f32(int M, int N, int K, const float* __restrict__ A, int lda, int transA,
                                           const float* __restrict__ B, int ldb, int transB, float* __restrict__ C,
                                           int ldc, float beta) {
    __shared__ float As[RCNN4J_GT_BK][RCNN4J_GT_PAD];
    __shared__ float Bs[RCNN4J_GT_BK][RCNN4J_GT_PAD];
    rcnn4j_gemm_run<float>(M, N, K, A, lda, transA, B, ldb, transB, C, ldc, beta, As, Bs);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_gemm_f32);

extern "C" __global__ void rcnn4j_gemm_f64(int M, int N, int K, const double* __restrict__ A, int lda, int transA,
                                           const double* __restrict__ B, int ldb, int transB, double* __restrict__ C,
                                           int ldc, double beta) {
    __shared__ double As[RCNN4J_GT_BK][RCNN4J_GT_PAD];
    __shared__ double Bs[RCNN4J_GT_BK][RCNN4J_GT_PAD];
    rcnn4j_gemm_run<double>(M, N, K, A, lda, transA, B, ldb, transB, C, ldc, beta, As, Bs);
}
RCNN4J_REGISTER_KERNEL(rcnn4j_gemm_f64);
