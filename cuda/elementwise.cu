// Elementwise F32 kernels for autograd (add/sub/scale, mul, relu, sigmoid and their backward), one thread per
// element, grid-stride so any length fits a capped grid. Inputs and outputs are flat arrays of n elements.
#include "rcnn4j/cuda_compat.cuh"

// out = alpha * x + beta * y
extern "C" __global__ void rcnn4j_elementwise_axpby_f32(const float* __restrict__ x, const float* __restrict__ y,
                                                        float alpha, float beta, float* __restrict__ out,
                                                        long long n) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        out[i] = alpha * x[i] + beta * y[i];
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_elementwise_axpby_f32);

// out = s * x
extern "C" __global__ void rcnn4j_elementwise_scale_f32(const float* __restrict__ x, float s,
                                                        float* __restrict__ out, long long n) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        out[i] = s * x[i];
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_elementwise_scale_f32);

// out = x * y
extern "C" __global__ void rcnn4j_elementwise_mul_f32(const float* __restrict__ x, const float* __restrict__ y,
                                                      float* __restrict__ out, long long n) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        out[i] = x[i] * y[i];
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_elementwise_mul_f32);

// out = max(x, 0), NaN kept (torch.relu)
extern "C" __global__ void rcnn4j_elementwise_relu_f32(const float* __restrict__ x, float* __restrict__ out,
                                                       long long n) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        float v = x[i];
        out[i] = (v > 0.0f || v != v) ? v : 0.0f;
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_elementwise_relu_f32);

// out = y > 0 ? g : 0, y the relu output
extern "C" __global__ void rcnn4j_elementwise_relu_backward_f32(const float* __restrict__ g,
                                                                const float* __restrict__ y,
                                                                float* __restrict__ out, long long n) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        out[i] = y[i] > 0.0f ? g[i] : 0.0f;
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_elementwise_relu_backward_f32);

// out = 1 / (1 + exp(-x)), split on the sign so expf never overflows
extern "C" __global__ void rcnn4j_elementwise_sigmoid_f32(const float* __restrict__ x, float* __restrict__ out,
                                                          long long n) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        float v = x[i];
        if (v >= 0.0f) {
            out[i] = 1.0f / (1.0f + expf(-v));
        } else {
            float z = expf(v);
            out[i] = z / (1.0f + z);
        }
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_elementwise_sigmoid_f32);

// out = g * y * (1 - y), y the sigmoid output
extern "C" __global__ void rcnn4j_elementwise_sigmoid_backward_f32(const float* __restrict__ g,
                                                                   const float* __restrict__ y,
                                                                   float* __restrict__ out, long long n) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        float s = y[i];
        out[i] = g[i] * s * (1.0f - s);
    }
}
RCNN4J_REGISTER_KERNEL(rcnn4j_elementwise_sigmoid_backward_f32);
