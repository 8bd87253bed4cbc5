// Argument checks that read device data, so that the CUDA backend rejects the inputs the CPU backend rejects
// without a host round trip. All the checks queued between two synchronizations share one error word (INT64_MAX
// while nothing is wrong): check number c lowers it to (c << 32) | i for an offending element i (atomicMin), so the
// word ends up naming the first failed check and its first offending element. The backend reads it (8 bytes) at
// its next synchronization and throws the CPU backend's exception for that check. A check whose exception quotes the
// offending value (index_select's index, cross_entropy's target) has it copied into the word's second int64 by
// rcnn4j_check_index_value; the backend then reads both (16 bytes).
#include "rcnn4j/cuda_compat.cuh"

// *error = min(*error, tag | i) for each RoI i of boxes ([k, stride], F32, or F64 when isF64) whose batch index (column 0)
// is not in (-1, n): torchvision truncates it toward zero, so (-1, n) is what names an image of [0, n). NaN fails.
extern "C" __global__ void rcnn4j_check_roi_batch(const void* __restrict__ boxes, int isF64, int k, int stride,
                                                  int n, long long tag, long long* __restrict__ error) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < k; i += (long long)gridDim.x * blockDim.x) {
        double v = isF64 ? ((const double*)boxes)[i * stride] : (double)((const float*)boxes)[i * stride];
        if (!(v > -1.0 && v < (double)n)) {
            atomicMin(error, tag | i);
        }
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_check_roi_batch);

// *error = min(*error, tag | i) for each index[i] (I64, or I32 when not is64) outside [0, bound), except a value equal to
// `skip` when skipAny is 1 (cross_entropy's ignore_index).
extern "C" __global__ void rcnn4j_check_index_range(const void* __restrict__ index, int is64, int k, long long bound,
                                                    int skipAny, long long skip, long long tag,
                                                    long long* __restrict__ error) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < k; i += (long long)gridDim.x * blockDim.x) {
        long long v = is64 ? ((const long long*)index)[i] : (long long)((const int*)index)[i];
        if ((v < 0 || v >= bound) && !(skipAny && v == skip)) {
            atomicMin(error, tag | i);
        }
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_check_index_range);

// error[1] = index[i] (I64, or I32 when not is64) when error[0] names this check (tag >> 32) and its element i: the
// offending value, for the exceptions that quote it. One thread, queued right after the check's
// rcnn4j_check_index_range: a later check has a larger tag, so it cannot replace the element named, and the pair
// stays consistent until the host reads it.
extern "C" __global__ void rcnn4j_check_index_value(const void* __restrict__ index, int is64, long long tag,
                                                    long long* __restrict__ error) {
    if (blockIdx.x == 0 && threadIdx.x == 0) {
        long long failed = error[0];
        if ((failed >> 32) == (tag >> 32)) {
            long long i = failed & 0xffffffffLL;
            error[1] = is64 ? ((const long long*)index)[i] : (long long)((const int*)index)[i];
        }
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_check_index_value);
