// The CUDA device built-ins for kernels compiled by the host C++ compiler into the CUDA emulator (cuda/emu).
// cuda/include/rcnn4j/cuda_compat.cuh includes this when not under nvcc; kernel sources never include it directly.
//
// Execution model (see cuda/emu/README.md): the threads of a block run as fibers on one OS thread, so per-thread
// built-ins and __shared__ storage are OS-thread-local and the barrier/warp functions below are the only points
// where another CUDA thread runs. They are defined out of line (cuda/emu/src/scheduler.cpp) and followed by a
// compiler memory barrier, so the optimizer reloads shared memory and built-ins after each of them.
#pragma once

#if defined(__CUDACC__)
#error "cuda_emu.h is for host compilers; nvcc uses the real CUDA built-ins"
#endif

// Standard headers first: the qualifier macros below (notably __noinline__) must not leak into them.
#include <algorithm>
#include <atomic>
#include <cfloat>
#include <climits>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <math.h>
#include <type_traits>
#include <utility>

#define CUEMU_HIDDEN __attribute__((visibility("hidden")))
// Tells the compiler that any memory (shared arrays, built-ins) may have changed across a scheduling point.
#define CUEMU_CLOBBER() __asm__ __volatile__("" ::: "memory")

// ---- qualifiers -------------------------------------------------------------------------------------------
#define __global__
#define __device__
#define __host__
#define __constant__
#define __forceinline__ inline __attribute__((always_inline))
#define __noinline__ __attribute__((noinline))
#define __launch_bounds__(...)
// One OS thread runs one block at a time, so OS-thread-local storage is block-shared. Like CUDA, no initializer.
#define __shared__ static __thread

// ---- vector types and launch-shape built-ins ------------------------------------------------------------
struct uint3 { unsigned int x, y, z; };
struct dim3 {
    unsigned int x, y, z;
    constexpr dim3(unsigned int vx = 1, unsigned int vy = 1, unsigned int vz = 1) : x(vx), y(vy), z(vz) {}
    constexpr dim3(uint3 v) : x(v.x), y(v.y), z(v.z) {}
    constexpr operator uint3() const { return uint3{x, y, z}; }
};

#define CUEMU_VEC2(T, N) struct alignas(2 * sizeof(T)) N { T x, y; }; \
    inline N make_##N(T x, T y) { return N{x, y}; }
#define CUEMU_VEC3(T, N) struct N { T x, y, z; }; \
    inline N make_##N(T x, T y, T z) { return N{x, y, z}; }
#define CUEMU_VEC4(T, N, A) struct alignas(A) N { T x, y, z, w; }; \
    inline N make_##N(T x, T y, T z, T w) { return N{x, y, z, w}; }
CUEMU_VEC2(float, float2) CUEMU_VEC3(float, float3) CUEMU_VEC4(float, float4, 16)
CUEMU_VEC2(int, int2) CUEMU_VEC3(int, int3) CUEMU_VEC4(int, int4, 16)
CUEMU_VEC2(unsigned int, uint2) CUEMU_VEC4(unsigned int, uint4, 16)
CUEMU_VEC2(double, double2) CUEMU_VEC2(long long, longlong2)
inline uint3 make_uint3(unsigned int x, unsigned int y, unsigned int z) { return uint3{x, y, z}; }
#undef CUEMU_VEC2
#undef CUEMU_VEC3
#undef CUEMU_VEC4

static constexpr int warpSize = 32;

namespace cuemu {
// Each CUDA thread runs on a fiber stack of kFiberStackBytes, aligned to its size, whose top page holds a
// FiberHeader: the built-ins are found from the stack pointer, with no thread-local lookup (TLS in a dlopen'ed library
// costs a call). The header's place in that page varies with the stack's address, so that the headers of a block's
// fibers do not all compete for one cache set.
#ifndef CUEMU_FIBER_STACK_BYTES
#define CUEMU_FIBER_STACK_BYTES 65536
#endif
constexpr uintptr_t kFiberStackBytes = CUEMU_FIBER_STACK_BYTES;
static_assert((kFiberStackBytes & (kFiberStackBytes - 1)) == 0 && kFiberStackBytes >= 32768,
              "fiber stacks are a power of two in size, at least 32 KiB");
constexpr int kFiberStackShift = __builtin_ctzll(kFiberStackBytes);
// The header sits in the top kFiberHeaderReserve bytes, at one of kFiberColors 64-byte slots; the stack starts right
// below it, so a switch touches one page of the fiber.
constexpr uintptr_t kFiberColors = 128;
constexpr uintptr_t kFiberHeaderReserve = kFiberColors * 64;

struct BlockBuiltins {
    uint3 block_idx;
    uint3 block_dim;
    uint3 grid_dim;
    void* dynamic_shared;
};
struct FiberHeader {
    uint3 thread_idx;
    int thread;  // linear thread index in the block
    const BlockBuiltins* block;
    void* worker;
};
static_assert(sizeof(FiberHeader) <= 64, "fiber header too large");

inline FiberHeader* fiber_header_of(uintptr_t stack_base) {
    uintptr_t color = (((stack_base >> kFiberStackShift) * 0x9E3779B9u) >> 7) & (kFiberColors - 1);
    return reinterpret_cast<FiberHeader*>(stack_base + kFiberStackBytes - kFiberHeaderReserve + color * 64);
}

inline FiberHeader* fiber_header() {
    uintptr_t sp;
#if defined(__x86_64__)
    __asm__("movq %%rsp, %0" : "=r"(sp));  // any address in the running frame will do: not volatile, may be reused
#else
    sp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
#endif
    return fiber_header_of(sp & ~(kFiberStackBytes - 1));
}
}  // namespace cuemu

// CUDA's blockDim/gridDim are dim3; these are uint3 with the same fields (dim3 converts from uint3).
#define threadIdx (::cuemu::fiber_header()->thread_idx)
#define blockIdx (::cuemu::fiber_header()->block->block_idx)
#define blockDim (::cuemu::fiber_header()->block->block_dim)
#define gridDim (::cuemu::fiber_header()->block->grid_dim)

namespace cuemu {
// Scheduling points (scheduler.cpp). kind: 0 plain, 1 count, 2 and, 3 or.
CUEMU_HIDDEN __attribute__((noinline)) int block_barrier(int kind, int predicate);
enum WarpOp { WARP_SYNC, WARP_SHFL, WARP_SHFL_UP, WARP_SHFL_DOWN, WARP_SHFL_XOR, WARP_BALLOT, WARP_ANY, WARP_ALL,
              WARP_REDUCE_ADD, WARP_REDUCE_MIN, WARP_REDUCE_MAX, WARP_REDUCE_MIN_SIGNED, WARP_REDUCE_MAX_SIGNED,
              WARP_REDUCE_AND, WARP_REDUCE_OR, WARP_REDUCE_XOR };
CUEMU_HIDDEN __attribute__((noinline)) unsigned long long warp_op(int op, unsigned mask, unsigned long long value,
                                                                 int arg, int width);
CUEMU_HIDDEN unsigned active_mask();
// Ends the launch as failed, naming the calling thread (the GPU's __trap()).
[[noreturn]] CUEMU_HIDDEN void trap(const char* why);

// ---- kernel registration --------------------------------------------------------------------------------
using Thunk = void (*)(void** params);
struct Registrar {
    Registrar(const char* name, Thunk thunk, int arity);
};
template <typename Sig, Sig* F> struct KernelThunk;
template <typename... A, void (*F)(A...)> struct KernelThunk<void(A...), F> {
    template <std::size_t... I> static void call(void** p, std::index_sequence<I...>) {
        F(*static_cast<std::remove_cv_t<std::remove_reference_t<A>>*>(p[I])...);
    }
    static void call(void** params) { call(params, std::index_sequence_for<A...>{}); }
    static constexpr int arity = sizeof...(A);
};

template <typename T> inline unsigned long long to_bits(T v) {
    static_assert(std::is_trivially_copyable<T>::value && sizeof(T) <= 8, "warp intrinsics move values of <= 8 bytes");
    unsigned long long b = 0;
    std::memcpy(&b, &v, sizeof(T));
    return b;
}
template <typename T> inline T from_bits(unsigned long long b) {
    T v;
    std::memcpy(&v, &b, sizeof(T));
    return v;
}
}  // namespace cuemu

// Maps the kernel's name to a host function that unpacks cuLaunchKernel's kernelParams by the kernel's signature.
#define RCNN4J_REGISTER_KERNEL(fn)                                                                   \
    static const ::cuemu::Registrar cuemu_registrar_##fn(#fn, &::cuemu::KernelThunk<decltype(fn), &fn>::call, \
                                                        ::cuemu::KernelThunk<decltype(fn), &fn>::arity)
// Dynamic shared memory (the launch's sharedMemBytes), poisoned with 0xFF bytes before each block.
#define RCNN4J_DYNAMIC_SHARED(type, name) \
    type* const name = static_cast<type*>(::cuemu::fiber_header()->block->dynamic_shared)

// ---- barriers and fences --------------------------------------------------------------------------------
inline void __syncthreads() { ::cuemu::block_barrier(0, 0); CUEMU_CLOBBER(); }
inline int __syncthreads_count(int p) { int r = ::cuemu::block_barrier(1, p); CUEMU_CLOBBER(); return r; }
inline int __syncthreads_and(int p) { int r = ::cuemu::block_barrier(2, p); CUEMU_CLOBBER(); return r; }
inline int __syncthreads_or(int p) { int r = ::cuemu::block_barrier(3, p); CUEMU_CLOBBER(); return r; }
[[noreturn]] inline void __trap() { ::cuemu::trap("__trap() called"); }
inline void __nanosleep(unsigned) {}
inline void __threadfence() { std::atomic_thread_fence(std::memory_order_seq_cst); }
inline void __threadfence_block() { CUEMU_CLOBBER(); }
inline void __threadfence_system() { std::atomic_thread_fence(std::memory_order_seq_cst); }

// ---- warp intrinsics: warp-level barriers over the lanes named by mask ------------------------------------
inline void __syncwarp(unsigned mask = 0xffffffffu) {
    ::cuemu::warp_op(::cuemu::WARP_SYNC, mask, 0, 0, 32); CUEMU_CLOBBER();
}
template <typename T> inline T __shfl_sync(unsigned mask, T var, int srcLane, int width = warpSize) {
    auto r = ::cuemu::warp_op(::cuemu::WARP_SHFL, mask, ::cuemu::to_bits(var), srcLane, width);
    CUEMU_CLOBBER();
    return ::cuemu::from_bits<T>(r);
}
template <typename T> inline T __shfl_up_sync(unsigned mask, T var, unsigned int delta, int width = warpSize) {
    auto r = ::cuemu::warp_op(::cuemu::WARP_SHFL_UP, mask, ::cuemu::to_bits(var), (int)delta, width);
    CUEMU_CLOBBER();
    return ::cuemu::from_bits<T>(r);
}
template <typename T> inline T __shfl_down_sync(unsigned mask, T var, unsigned int delta, int width = warpSize) {
    auto r = ::cuemu::warp_op(::cuemu::WARP_SHFL_DOWN, mask, ::cuemu::to_bits(var), (int)delta, width);
    CUEMU_CLOBBER();
    return ::cuemu::from_bits<T>(r);
}
template <typename T> inline T __shfl_xor_sync(unsigned mask, T var, int laneMask, int width = warpSize) {
    auto r = ::cuemu::warp_op(::cuemu::WARP_SHFL_XOR, mask, ::cuemu::to_bits(var), laneMask, width);
    CUEMU_CLOBBER();
    return ::cuemu::from_bits<T>(r);
}
inline unsigned __ballot_sync(unsigned mask, int p) {
    auto r = ::cuemu::warp_op(::cuemu::WARP_BALLOT, mask, p != 0, 0, 32); CUEMU_CLOBBER(); return (unsigned)r;
}
inline int __any_sync(unsigned mask, int p) {
    auto r = ::cuemu::warp_op(::cuemu::WARP_ANY, mask, p != 0, 0, 32); CUEMU_CLOBBER(); return (int)r;
}
inline int __all_sync(unsigned mask, int p) {
    auto r = ::cuemu::warp_op(::cuemu::WARP_ALL, mask, p != 0, 0, 32); CUEMU_CLOBBER(); return (int)r;
}
#define CUEMU_WARP_REDUCE(name, T, op)                                                              \
    inline T name(unsigned mask, T v) {                                                             \
        auto r = ::cuemu::warp_op(op, mask, ::cuemu::to_bits(v), 0, 32); CUEMU_CLOBBER();           \
        return ::cuemu::from_bits<T>(r);                                                            \
    }
CUEMU_WARP_REDUCE(__reduce_add_sync, unsigned, ::cuemu::WARP_REDUCE_ADD)
CUEMU_WARP_REDUCE(__reduce_add_sync, int, ::cuemu::WARP_REDUCE_ADD)
CUEMU_WARP_REDUCE(__reduce_min_sync, unsigned, ::cuemu::WARP_REDUCE_MIN)
CUEMU_WARP_REDUCE(__reduce_min_sync, int, ::cuemu::WARP_REDUCE_MIN_SIGNED)
CUEMU_WARP_REDUCE(__reduce_max_sync, unsigned, ::cuemu::WARP_REDUCE_MAX)
CUEMU_WARP_REDUCE(__reduce_max_sync, int, ::cuemu::WARP_REDUCE_MAX_SIGNED)
CUEMU_WARP_REDUCE(__reduce_and_sync, unsigned, ::cuemu::WARP_REDUCE_AND)
CUEMU_WARP_REDUCE(__reduce_or_sync, unsigned, ::cuemu::WARP_REDUCE_OR)
CUEMU_WARP_REDUCE(__reduce_xor_sync, unsigned, ::cuemu::WARP_REDUCE_XOR)
#undef CUEMU_WARP_REDUCE
// Lanes of the calling warp that exist and have not exited (no synchronization, like the hardware's).
inline unsigned __activemask() { return ::cuemu::active_mask(); }

// ---- atomics: real host atomics (blocks run in parallel on several OS threads) -------------------------------
namespace cuemu {
template <typename T> inline T atomic_update_int(T* p, T (*f)(T, T), T v) {
    T old = __atomic_load_n(p, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(p, &old, f(old, v), true, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
    }
    return old;
}
template <typename F, typename U> inline F atomic_update_float(F* addr, F v, F (*f)(F, F)) {
    static_assert(sizeof(F) == sizeof(U), "bit-width mismatch");
    U* p = reinterpret_cast<U*>(addr);
    U old = __atomic_load_n(p, __ATOMIC_RELAXED);
    for (;;) {
        F cur = from_bits<F>(old);
        U next = (U)to_bits(f(cur, v));
        if (__atomic_compare_exchange_n(p, &old, next, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) return cur;
    }
}
}  // namespace cuemu

#define CUEMU_ATOMIC_INT(T)                                                                                     \
    inline T atomicAdd(T* p, T v) { return __atomic_fetch_add(p, v, __ATOMIC_RELAXED); }                        \
    inline T atomicSub(T* p, T v) { return __atomic_fetch_sub(p, v, __ATOMIC_RELAXED); }                        \
    inline T atomicExch(T* p, T v) { return __atomic_exchange_n(p, v, __ATOMIC_RELAXED); }                      \
    inline T atomicAnd(T* p, T v) { return __atomic_fetch_and(p, v, __ATOMIC_RELAXED); }                        \
    inline T atomicOr(T* p, T v) { return __atomic_fetch_or(p, v, __ATOMIC_RELAXED); }                          \
    inline T atomicXor(T* p, T v) { return __atomic_fetch_xor(p, v, __ATOMIC_RELAXED); }                        \
    inline T atomicMax(T* p, T v) {                                                                             \
        return ::cuemu::atomic_update_int<T>(p, [](T a, T b) { return a > b ? a : b; }, v);                    \
    }                                                                                                           \
    inline T atomicMin(T* p, T v) {                                                                             \
        return ::cuemu::atomic_update_int<T>(p, [](T a, T b) { return a < b ? a : b; }, v);                    \
    }                                                                                                           \
    inline T atomicCAS(T* p, T compare, T v) {                                                                  \
        __atomic_compare_exchange_n(p, &compare, v, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);                \
        return compare;                                                                                         \
    }
CUEMU_ATOMIC_INT(int)
CUEMU_ATOMIC_INT(unsigned int)
CUEMU_ATOMIC_INT(unsigned long long)
CUEMU_ATOMIC_INT(long long)
#undef CUEMU_ATOMIC_INT
inline unsigned int atomicInc(unsigned int* p, unsigned int limit) {
    unsigned int old = __atomic_load_n(p, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(p, &old, old >= limit ? 0u : old + 1u, true, __ATOMIC_RELAXED,
                                        __ATOMIC_RELAXED)) {
    }
    return old;
}
inline float atomicAdd(float* p, float v) {
    return ::cuemu::atomic_update_float<float, unsigned int>(p, v, [](float a, float b) { return a + b; });
}
inline double atomicAdd(double* p, double v) {
    return ::cuemu::atomic_update_float<double, unsigned long long>(p, v, [](double a, double b) { return a + b; });
}
inline float atomicExch(float* p, float v) {
    return ::cuemu::from_bits<float>(
        __atomic_exchange_n(reinterpret_cast<unsigned int*>(p), (unsigned int)::cuemu::to_bits(v), __ATOMIC_RELAXED));
}

// ---- bit tricks -----------------------------------------------------------------------------------------
inline int __popc(unsigned int x) { return __builtin_popcount(x); }
inline int __popcll(unsigned long long x) { return __builtin_popcountll(x); }
inline int __ffs(int x) { return __builtin_ffs(x); }
inline int __ffsll(long long x) { return __builtin_ffsll(x); }
inline int __clz(int x) { return x == 0 ? 32 : __builtin_clz((unsigned int)x); }
inline int __clzll(long long x) { return x == 0 ? 64 : __builtin_clzll((unsigned long long)x); }
inline unsigned int __brev(unsigned int x) {
    x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
    x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
    x = ((x >> 4) & 0x0F0F0F0Fu) | ((x & 0x0F0F0F0Fu) << 4);
    x = ((x >> 8) & 0x00FF00FFu) | ((x & 0x00FF00FFu) << 8);
    return (x >> 16) | (x << 16);
}
template <typename T> inline T __ldg(const T* p) { return *p; }
inline int __mul24(int a, int b) { return (int)((long long)((a << 8) >> 8) * ((b << 8) >> 8)); }
inline unsigned int __umul24(unsigned int a, unsigned int b) { return (a & 0xFFFFFFu) * (b & 0xFFFFFFu); }
inline int __mulhi(int a, int b) { return (int)(((long long)a * b) >> 32); }
inline unsigned int __umulhi(unsigned int a, unsigned int b) { return (unsigned int)(((unsigned long long)a * b) >> 32); }
inline long long __mul64hi(long long a, long long b) { return (long long)(((__int128)a * b) >> 64); }
inline unsigned long long __umul64hi(unsigned long long a, unsigned long long b) {
    return (unsigned long long)(((unsigned __int128)a * b) >> 64);
}

// ---- math -----------------------------------------------------------------------------------------------
inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
inline double rsqrt(double x) { return 1.0 / sqrt(x); }
inline float __expf(float x) { return expf(x); }
inline float __logf(float x) { return logf(x); }
inline float __log2f(float x) { return log2f(x); }
inline float __powf(float x, float y) { return powf(x, y); }
inline float __sinf(float x) { return sinf(x); }
inline float __cosf(float x) { return cosf(x); }
inline float __tanf(float x) { return tanf(x); }
inline float __fdividef(float x, float y) { return x / y; }
inline float __frcp_rn(float x) { return 1.0f / x; }
inline float __fsqrt_rn(float x) { return sqrtf(x); }
inline float __saturatef(float x) { return x >= 1.0f ? 1.0f : (x > 0.0f ? x : 0.0f); }  // NaN -> 0
inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fsub_rn(float a, float b) { return a - b; }
inline float __fdiv_rn(float a, float b) { return a / b; }
inline float __fmaf_rn(float a, float b, float c) { return fmaf(a, b, c); }
inline double __dmul_rn(double a, double b) { return a * b; }
inline double __dadd_rn(double a, double b) { return a + b; }
inline double __fma_rn(double a, double b, double c) { return fma(a, b, c); }
inline int __float_as_int(float x) { return ::cuemu::from_bits<int>(::cuemu::to_bits(x)); }
inline unsigned int __float_as_uint(float x) { return ::cuemu::from_bits<unsigned int>(::cuemu::to_bits(x)); }
inline float __int_as_float(int x) { return ::cuemu::from_bits<float>(::cuemu::to_bits(x)); }
inline float __uint_as_float(unsigned int x) { return ::cuemu::from_bits<float>(::cuemu::to_bits(x)); }
inline long long __double_as_longlong(double x) { return ::cuemu::from_bits<long long>(::cuemu::to_bits(x)); }
inline double __longlong_as_double(long long x) { return ::cuemu::from_bits<double>(::cuemu::to_bits(x)); }
namespace cuemu {
// The GPU's float->int conversions saturate and map NaN to 0; C++'s casts would be undefined there.
inline int sat_int(double v) {
    if (v != v) return 0;
    if (v >= 2147483647.0) return INT_MAX;
    if (v <= -2147483648.0) return INT_MIN;
    return (int)v;
}
inline long long sat_ll(double v) {
    if (v != v) return 0;
    if (v >= 9223372036854775807.0) return LLONG_MAX;
    if (v <= -9223372036854775808.0) return LLONG_MIN;
    return (long long)v;
}
}  // namespace cuemu
inline int __float2int_rz(float x) { return ::cuemu::sat_int(truncf(x)); }
inline int __float2int_rd(float x) { return ::cuemu::sat_int(floorf(x)); }
inline int __float2int_ru(float x) { return ::cuemu::sat_int(ceilf(x)); }
inline int __float2int_rn(float x) { return ::cuemu::sat_int(nearbyintf(x)); }
inline long long __float2ll_rz(float x) { return ::cuemu::sat_ll(truncf(x)); }
inline long long __float2ll_rd(float x) { return ::cuemu::sat_ll(floorf(x)); }
inline long long __float2ll_rn(float x) { return ::cuemu::sat_ll(nearbyintf(x)); }
inline int __double2int_rz(double x) { return ::cuemu::sat_int(trunc(x)); }
inline int __double2int_rd(double x) { return ::cuemu::sat_int(floor(x)); }
inline int __double2int_rn(double x) { return ::cuemu::sat_int(nearbyint(x)); }
inline float __int2float_rn(int x) { return (float)x; }
inline float __uint2float_rn(unsigned int x) { return (float)x; }
inline float __ll2float_rn(long long x) { return (float)x; }
inline double __int2double_rn(int x) { return (double)x; }
inline unsigned int __float2uint_rn(float x) {
    float r = nearbyintf(x);
    return r != r || r <= 0.0f ? 0u : (r >= 4294967295.0f ? 0xFFFFFFFFu : (unsigned int)r);
}
inline unsigned int __float2uint_rz(float x) {
    float r = truncf(x);
    return r != r || r <= 0.0f ? 0u : (r >= 4294967295.0f ? 0xFFFFFFFFu : (unsigned int)r);
}

// min/max as CUDA's math headers overload them (the same and the mixed signed/unsigned/float cases).
#define CUEMU_MINMAX(R, A, B) \
    inline R min(A a, B b) { return (R)a < (R)b ? (R)a : (R)b; } \
    inline R max(A a, B b) { return (R)a > (R)b ? (R)a : (R)b; }
CUEMU_MINMAX(int, int, int)
CUEMU_MINMAX(unsigned int, unsigned int, unsigned int)
CUEMU_MINMAX(unsigned int, int, unsigned int)
CUEMU_MINMAX(unsigned int, unsigned int, int)
CUEMU_MINMAX(long, long, long)
CUEMU_MINMAX(unsigned long, unsigned long, unsigned long)
CUEMU_MINMAX(long long, long long, long long)
CUEMU_MINMAX(unsigned long long, unsigned long long, unsigned long long)
CUEMU_MINMAX(unsigned long long, long long, unsigned long long)
CUEMU_MINMAX(unsigned long long, unsigned long long, long long)
#undef CUEMU_MINMAX
inline float min(float a, float b) { return fminf(a, b); }
inline float max(float a, float b) { return fmaxf(a, b); }
inline double min(double a, double b) { return fmin(a, b); }
inline double max(double a, double b) { return fmax(a, b); }
inline double min(float a, double b) { return fmin((double)a, b); }
inline double max(float a, double b) { return fmax((double)a, b); }
inline double min(double a, float b) { return fmin(a, (double)b); }
inline double max(double a, float b) { return fmax(a, (double)b); }
