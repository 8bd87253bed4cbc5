// What the emulator's stand-in cuBLAS and cuDNN share: the emulator's driver API (they link its libcuda.so.1 and
// find device memory, contexts and streams through it, as the real libraries reach the real driver), the checks
// of pointers against device allocations, the detail of the last failure per thread, live-handle registries and
// TF32 rounding. See ../README.md, "Stand-in cuBLAS and cuDNN", for the rules they implement and their sources.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <set>
#include <string>

#include "format.h"

extern "C" {
typedef int CUresult;
typedef unsigned long long CUdeviceptr;
typedef struct CUctx_st* CUcontext;
typedef struct CUstream_st* CUstream;
CUresult cuCtxGetCurrent(CUcontext* ctx);
CUresult cuStreamQuery(CUstream stream);
CUresult cuMemGetAddressRange_v2(CUdeviceptr* base, size_t* size, CUdeviceptr p);
CUresult cuPointerGetAttribute(void* data, int attribute, CUdeviceptr p);
}

namespace standin {

// printf into a string (the emulator's own, common/format.h).
using cuemu::format;

// The last failure's explanation on this thread ("" after a success), for the Java side's messages.
std::string& last_error();

// Records the detail of a failure and returns its status code.
int fail(int code, const std::string& detail);

// Whether [p, p + bytes) lies inside one live cuMemAlloc allocation (not pinned host memory); else *why says how
// it does not.
bool in_device_memory(const void* p, size_t bytes, std::string* why);

// Whether p points into a cuMemAlloc allocation (so it is not the host pointer the libraries' scalars must be).
bool is_device_pointer(const void* p);

// The calling thread's current context (null when none is current or the driver is not initialized).
CUcontext current_context();

// Whether s is a stream the emulator knows (NULL, the legacy and per-thread handles included).
bool stream_is_valid(CUstream s);

// x rounded to TF32 (10 explicit mantissa bits, round to nearest even), as tensor cores read FP32 operands.
float tf32(float x);

// NVIDIA_TF32_OVERRIDE=0 disables TF32 in cuBLAS and cuDNN process-wide (cuBLAS guide, "Tensor Core Usage").
bool tf32_overridden_off();

// Live objects of one kind (handles, descriptors): a destroyed or foreign pointer is not in the set.
template <typename T> class Registry {
public:
    void add(T* p) {
        std::lock_guard<std::mutex> lock(mu_);
        live_.insert(p);
    }
    bool remove(T* p) {
        std::lock_guard<std::mutex> lock(mu_);
        return live_.erase(p) != 0;
    }
    bool contains(const void* p) {
        std::lock_guard<std::mutex> lock(mu_);
        return live_.count(static_cast<T*>(const_cast<void*>(p))) != 0;
    }

private:
    std::mutex mu_;
    std::set<T*> live_;
};

}  // namespace standin

#define STANDIN_API extern "C" __attribute__((visibility("default")))
