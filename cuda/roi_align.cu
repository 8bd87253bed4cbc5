// torchvision.ops.roi_align (forward and input gradient), float32 and float64.
//
// One block per RoI (grid x) and block of channels (grid y). The block first computes its RoI's bilinear taps
// once, per axis (sample grid rows: pooledH * gridH taps, columns: pooledW * gridW), into shared memory; then
// each thread takes output elements (channel, bin) of its channel block and reads the taps from there, so the
// sampling geometry is not recomputed for every channel as in torchvision's kernel. A RoI whose taps do not fit
// the shared memory given at launch (huge adaptive grids) computes them on the fly with the same functions, so
// both paths give the same numbers. A RoI whose batch index is not in [0, N) (or NaN) pools to 0 and gets no
// gradient: the host cannot check without a sync.
//
// The backward kernels add each sample's four weighted gradients with atomics, either float atomicAdd (the
// summation order varies from run to run, so results are not bit-reproducible, as with torchvision's CUDA
// backward) or, in the _fixed kernels, fixed-point integer atomics that give the same bits on every run (see
// cuda/include/rcnn4j/roi_grad.cuh and cuda/roi_grad.cu).
#include "rcnn4j/cuda_compat.cuh"
#include "rcnn4j/bilinear.cuh"
#include "rcnn4j/roi_grad.cuh"

template <typename T>
static __device__ inline Rcnn4jBilinearTap<T> rcnn4j_roi_align_tap(const Rcnn4jBilinearTap<T>* table,
                                                                 const Rcnn4jRoiAxis<T>& a, int p, int i,
                                                                 int extent) {
    return table != nullptr ? table[p * a.grid + i] : rcnn4j_bilinear_tap(rcnn4j_roi_align_sample(a, p, i), extent);
}

// Fills table[0, pooled * grid) with the taps of axis a, all threads of the block sharing the work.
template <typename T>
static __device__ inline void rcnn4j_roi_align_fill(Rcnn4jBilinearTap<T>* table, const Rcnn4jRoiAxis<T>& a,
                                                    int pooled, int extent) {
    int n = a.grid > 0 ? pooled * a.grid : 0;
    for (int s = threadIdx.x; s < n; s += blockDim.x) {
        table[s] = rcnn4j_bilinear_tap(rcnn4j_roi_align_sample(a, s / a.grid, s % a.grid), extent);
    }
}

// Per RoI: the axes, the image, the bin average's divisor, and where the taps live (shared table or none).
template <typename T>
struct Rcnn4jRoiAlignRoi {
    Rcnn4jRoiAxis<T> y;
    Rcnn4jRoiAxis<T> x;
    int batch;
    T count;
    const Rcnn4jBilinearTap<T>* tableY;
    const Rcnn4jBilinearTap<T>* tableX;
};

// Sets up RoI k for the whole block. Starts with a barrier, so the previous RoI's readers are done with the
// shared table before it is overwritten; ends with one, so the table is complete before anyone reads it.
template <typename T>
static __device__ inline Rcnn4jRoiAlignRoi<T> rcnn4j_roi_align_prepare(const T* __restrict__ boxes, int k,
                                                                      int batchSize, int height, int width,
                                                                      int pooledH, int pooledW, T spatialScale,
                                                                      int samplingRatio, int aligned,
                                                                      Rcnn4jBilinearTap<T>* smem,
                                                                      int tableCapacity) {
    const T* box = boxes + 5LL * k;
    Rcnn4jRoiAlignRoi<T> r;
    r.batch = rcnn4j_roi_batch(box[0], batchSize);
    r.y = rcnn4j_roi_align_axis(box[2], box[4], spatialScale, pooledH, samplingRatio, aligned);
    r.x = rcnn4j_roi_align_axis(box[1], box[3], spatialScale, pooledW, samplingRatio, aligned);
    long long product = (long long)r.y.grid * r.x.grid;
    r.count = (T)(product > 1 ? product : 1);
    long long ny = r.y.grid > 0 ? (long long)pooledH * r.y.grid : 0;
    long long nx = r.x.grid > 0 ? (long long)pooledW * r.x.grid : 0;
    bool table = ny + nx <= tableCapacity;
    __syncthreads();
    if (table) {
        rcnn4j_roi_align_fill(smem, r.y, pooledH, height);
        rcnn4j_roi_align_fill(smem + ny, r.x, pooledW, width);
    }
    __syncthreads();
    r.tableY = table ? smem : nullptr;
    r.tableX = table ? smem + ny : nullptr;
    return r;
}

// The work split both directions share: RoIs over grid x (each prepared once per block), blocks of
// channelsPerBlock channels over grid y, and the (channel, bin) elements of a block over its threads; element calls
// body(k, r, c, bin, ph, pw). SkipInvalid drops a RoI whose batch index is out of range before its elements (the
// backward, which has nothing to add); the forward visits them to write their zeros.
template <typename T, bool SkipInvalid, typename Body>
static __device__ inline void rcnn4j_roi_align_each_element(const T* __restrict__ boxes, int numRois, int channels,
                                                            int height, int width, int batchSize, int pooledH,
                                                            int pooledW, T spatialScale, int samplingRatio,
                                                            int aligned, int channelsPerBlock, int tableCapacity,
                                                            Rcnn4jBilinearTap<T>* smem, const Body& body) {
    const int bins = pooledH * pooledW;
    const int tiles = (channels + channelsPerBlock - 1) / channelsPerBlock;
    for (int k = blockIdx.x; k < numRois; k += gridDim.x) {
        Rcnn4jRoiAlignRoi<T> r = rcnn4j_roi_align_prepare(boxes, k, batchSize, height, width, pooledH, pooledW,
                                                          spatialScale, samplingRatio, aligned, smem, tableCapacity);
        if (SkipInvalid && r.batch < 0) {
            continue;  // uniform across the block: the next prepare's barriers are reached by all threads
        }
        for (int tile = blockIdx.y; tile < tiles; tile += gridDim.y) {
            int c0 = tile * channelsPerBlock;
            int nc = channels - c0 < channelsPerBlock ? channels - c0 : channelsPerBlock;
            int work = nc * bins;
            for (int e = threadIdx.x; e < work; e += blockDim.x) {
                int bin = e % bins;
                body(k, r, c0 + e / bins, bin, bin / pooledW, bin % pooledW);
            }
        }
    }
}

template <typename T>
static __device__ inline void rcnn4j_roi_align_forward(const T* __restrict__ input, const T* __restrict__ boxes,
                                                       T* __restrict__ output, int numRois, int channels,
                                                       int height, int width, int batchSize, int pooledH,
                                                       int pooledW, T spatialScale, int samplingRatio, int aligned,
                                                       int channelsPerBlock, int tableCapacity,
                                                       Rcnn4jBilinearTap<T>* smem) {
    const int bins = pooledH * pooledW;
    const long long plane = (long long)height * width;
    rcnn4j_roi_align_each_element<T, false>(
        boxes, numRois, channels, height, width, batchSize, pooledH, pooledW, spatialScale, samplingRatio, aligned,
        channelsPerBlock, tableCapacity, smem,
        [&](int k, const Rcnn4jRoiAlignRoi<T>& r, int c, int bin, int ph, int pw) {
            T val = 0;
            if (r.batch >= 0) {
                const T* p = input + ((long long)r.batch * channels + c) * plane;
                for (int iy = 0; iy < r.y.grid; iy++) {
                    Rcnn4jBilinearTap<T> ty = rcnn4j_roi_align_tap(r.tableY, r.y, ph, iy, height);
                    if (ty.low < 0) {
                        continue;
                    }
                    const T* rowLow = p + (long long)ty.low * width;
                    const T* rowHigh = p + (long long)ty.high * width;
                    for (int ix = 0; ix < r.x.grid; ix++) {
                        Rcnn4jBilinearTap<T> tx = rcnn4j_roi_align_tap(r.tableX, r.x, pw, ix, width);
                        if (tx.low < 0) {
                            continue;
                        }
                        val += ty.wLow * tx.wLow * __ldg(rowLow + tx.low)
                             + ty.wLow * tx.wHigh * __ldg(rowLow + tx.high)
                             + ty.wHigh * tx.wLow * __ldg(rowHigh + tx.low)
                             + ty.wHigh * tx.wHigh * __ldg(rowHigh + tx.high);
                    }
                }
                val /= r.count;
            }
            output[((long long)k * channels + c) * bins + bin] = val;
        });
}

// The sink's buffers must be zero on entry.
template <typename T, typename Sink>
static __device__ inline void rcnn4j_roi_align_backward(const T* __restrict__ gradOutput, const T* __restrict__ boxes,
                                                        const Sink& sink, int numRois, int channels,
                                                        int height, int width, int batchSize, int pooledH,
                                                        int pooledW, T spatialScale, int samplingRatio, int aligned,
                                                        int channelsPerBlock, int tableCapacity,
                                                        Rcnn4jBilinearTap<T>* smem) {
    const int bins = pooledH * pooledW;
    const long long plane = (long long)height * width;
    rcnn4j_roi_align_each_element<T, true>(
        boxes, numRois, channels, height, width, batchSize, pooledH, pooledW, spatialScale, samplingRatio, aligned,
        channelsPerBlock, tableCapacity, smem,
        [&](int k, const Rcnn4jRoiAlignRoi<T>& r, int c, int bin, int ph, int pw) {
            T g = gradOutput[((long long)k * channels + c) * bins + bin];
            long long p = ((long long)r.batch * channels + c) * plane;
            for (int iy = 0; iy < r.y.grid; iy++) {
                Rcnn4jBilinearTap<T> ty = rcnn4j_roi_align_tap(r.tableY, r.y, ph, iy, height);
                if (ty.low < 0) {
                    continue;
                }
                long long rowLow = p + (long long)ty.low * width;
                long long rowHigh = p + (long long)ty.high * width;
                for (int ix = 0; ix < r.x.grid; ix++) {
                    Rcnn4jBilinearTap<T> tx = rcnn4j_roi_align_tap(r.tableX, r.x, pw, ix, width);
                    if (tx.low < 0) {
                        continue;
                    }
                    sink.add(rowLow + tx.low, g * (ty.wLow * tx.wLow) / r.count);
                    sink.add(rowLow + tx.high, g * (ty.wLow * tx.wHigh) / r.count);
                    sink.add(rowHigh + tx.low, g * (ty.wHigh * tx.wLow) / r.count);
                    sink.add(rowHigh + tx.high, g * (ty.wHigh * tx.wHigh) / r.count);
                }
            }
        });
}

// input [N,C,H,W], boxes [K,5], output [K,C,pooledH,pooledW]. Grid (x: RoIs, y: channel blocks of
// channelsPerBlock), any block size; dynamic shared memory: tableCapacity taps of 16 bytes (f32) / 24 (f64).
extern "C" __global__ void rcnn4j_roi_align_forward_f32(const float* __restrict__ input,
                                                        const float* __restrict__ boxes, float* __restrict__ output,
                                                        int numRois, int channels, int height, int width,
                                                        int batchSize, int pooledH, int pooledW, float spatialScale,
                                                        int samplingRatio, int aligned, int channelsPerBlock,
                                                        int tableCapacity) {
    RCNN4J_DYNAMIC_SHARED(double, rcnn4j_roi_align_smem);
    rcnn4j_roi_align_forward<float>(input, boxes, output, numRois, channels, height, width, batchSize, pooledH,
                                    pooledW, spatialScale, samplingRatio, aligned, channelsPerBlock, tableCapacity,
                                    reinterpret_cast<Rcnn4jBilinearTap<float>*>(rcnn4j_roi_align_smem));
}
RCNN4J_REGISTER_KERNEL(rcnn4j_roi_align_forward_f32);

extern "C" __global__ void rcnn4j_roi_align_forward_f64(const double* __restrict__ input,
                                                        const double* __restrict__ boxes,
                                                        double* __restrict__ output, int numRois, int channels,
                                                        int height, int width, int batchSize, int pooledH,
                                                        int pooledW, double spatialScale, int samplingRatio,
                                                        int aligned, int channelsPerBlock, int tableCapacity) {
    RCNN4J_DYNAMIC_SHARED(double, rcnn4j_roi_align_smem);
    rcnn4j_roi_align_forward<double>(input, boxes, output, numRois, channels, height, width, batchSize, pooledH,
                                     pooledW, spatialScale, samplingRatio, aligned, channelsPerBlock, tableCapacity,
                                     reinterpret_cast<Rcnn4jBilinearTap<double>*>(rcnn4j_roi_align_smem));
}
RCNN4J_REGISTER_KERNEL(rcnn4j_roi_align_forward_f64);

// gradOutput [K,C,pooledH,pooledW], boxes [K,5], gradInput [N,C,H,W] zeroed by the caller; launch as forward.
#define RCNN4J_ROI_ALIGN_BACKWARD(name, T)                                                                       \
    extern "C" __global__ void name(const T* __restrict__ gradOutput, const T* __restrict__ boxes,              \
                                    T* __restrict__ gradInput, int numRois, int channels, int height, int width, \
                                    int batchSize, int pooledH, int pooledW, T spatialScale, int samplingRatio,  \
                                    int aligned, int channelsPerBlock, int tableCapacity) {                     \
        RCNN4J_DYNAMIC_SHARED(double, rcnn4j_roi_align_smem);                                                   \
        Rcnn4jRoiGradAtomic<T> sink;                                                                            \
        sink.out = gradInput;                                                                                   \
        rcnn4j_roi_align_backward<T>(gradOutput, boxes, sink, numRois, channels, height, width, batchSize,      \
                                     pooledH, pooledW, spatialScale, samplingRatio, aligned, channelsPerBlock,  \
                                     tableCapacity, reinterpret_cast<Rcnn4jBilinearTap<T>*>(rcnn4j_roi_align_smem)); \
    }                                                                                                           \
    RCNN4J_REGISTER_KERNEL(name)

RCNN4J_ROI_ALIGN_BACKWARD(rcnn4j_roi_align_backward_f32, float);
RCNN4J_ROI_ALIGN_BACKWARD(rcnn4j_roi_align_backward_f64, double);

// Deterministic: as above, plus fixed [N,C,H,W] (unsigned long long, zeroed), maxAbsBits from
// rcnn4j_roi_grad_max_abs over gradOutput and bound = K * pooledH * pooledW; rcnn4j_roi_grad_from_fixed then
// turns fixed into gradInput (which collects only inf/NaN here).
#define RCNN4J_ROI_ALIGN_BACKWARD_FIXED(name, T)                                                                 \
    extern "C" __global__ void name(const T* __restrict__ gradOutput, const T* __restrict__ boxes,              \
                                    T* __restrict__ gradInput, unsigned long long* __restrict__ fixed,          \
                                    const unsigned long long* __restrict__ maxAbsBits, long long bound,        \
                                    int numRois, int channels, int height, int width, int batchSize,           \
                                    int pooledH, int pooledW, T spatialScale, int samplingRatio, int aligned,  \
                                    int channelsPerBlock, int tableCapacity) {                                 \
        RCNN4J_DYNAMIC_SHARED(double, rcnn4j_roi_align_smem);                                                   \
        Rcnn4jRoiGradFixed<T> sink = rcnn4j_roi_grad_fixed<T>(gradInput, fixed, maxAbsBits, bound);             \
        rcnn4j_roi_align_backward<T>(gradOutput, boxes, sink, numRois, channels, height, width, batchSize,      \
                                     pooledH, pooledW, spatialScale, samplingRatio, aligned, channelsPerBlock,  \
                                     tableCapacity, reinterpret_cast<Rcnn4jBilinearTap<T>*>(rcnn4j_roi_align_smem)); \
    }                                                                                                           \
    RCNN4J_REGISTER_KERNEL(name)

RCNN4J_ROI_ALIGN_BACKWARD_FIXED(rcnn4j_roi_align_backward_fixed_f32, float);
RCNN4J_ROI_ALIGN_BACKWARD_FIXED(rcnn4j_roi_align_backward_fixed_f64, double);
