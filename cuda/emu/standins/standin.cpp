#include "standin.h"

#include <cstdio>
#include <cstdlib>

namespace standin {

std::string& last_error() {
    static thread_local std::string detail;
    return detail;
}

int fail(int code, const std::string& detail) {
    last_error() = detail;
    return code;
}

// cuMemAllocHost memory is host memory (CU_POINTER_ATTRIBUTE_MEMORY_TYPE 2 is CU_MEMORYTYPE_HOST, 1).
static bool pinned_host(const void* p) {
    unsigned type = 0;
    return cuPointerGetAttribute(&type, 2, CUdeviceptr(reinterpret_cast<uintptr_t>(p))) == 0 && type == 1;
}

bool in_device_memory(const void* p, size_t bytes, std::string* why) {
    CUdeviceptr base = 0;
    size_t size = 0;
    uintptr_t a = reinterpret_cast<uintptr_t>(p);
    if (cuMemGetAddressRange_v2(&base, &size, CUdeviceptr(a)) != 0 || pinned_host(p)) {
        *why = format("%p is not in any device allocation (cuMemAlloc)", p);
        return false;
    }
    if (a + bytes > base + size) {
        *why = format("the %zu bytes at %p run %zu bytes past the end of their device allocation (%zu bytes at "
                      "0x%llx)", bytes, p, size_t(a + bytes - (base + size)), size, base);
        return false;
    }
    return true;
}

bool is_device_pointer(const void* p) {
    CUdeviceptr base = 0;
    size_t size = 0;
    return p != nullptr && cuMemGetAddressRange_v2(&base, &size, CUdeviceptr(reinterpret_cast<uintptr_t>(p))) == 0 &&
           !pinned_host(p);
}

CUcontext current_context() {
    CUcontext c = nullptr;
    return cuCtxGetCurrent(&c) == 0 ? c : nullptr;
}

bool stream_is_valid(CUstream s) { return cuStreamQuery(s) == 0; }

float tf32(float x) {
    uint32_t b;
    std::memcpy(&b, &x, 4);
    if ((b & 0x7F800000u) == 0x7F800000u) return x;  // Inf and NaN pass unchanged
    b += 0xFFFu + ((b >> 13) & 1u);                   // round to nearest even at bit 13
    b &= ~0x1FFFu;
    std::memcpy(&x, &b, 4);
    return x;
}

bool tf32_overridden_off() {
    const char* v = getenv("NVIDIA_TF32_OVERRIDE");
    return v != nullptr && strcmp(v, "0") == 0;
}

}  // namespace standin
