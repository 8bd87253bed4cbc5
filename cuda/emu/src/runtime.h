// Internal interfaces between the emulator's parts: kernel registry, block scheduler, device memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cuda_emu.h"

namespace cuemu {

struct KernelInfo {
    std::string name;
    Thunk thunk;
    int arity;
};

// Kernels registered by RCNN4J_REGISTER_KERNEL (static initialization of this library).
const KernelInfo* find_kernel(const std::string& name);
std::vector<std::string> kernel_names();

struct LaunchConfig {
    const KernelInfo* kernel;
    uint3 grid;
    uint3 block;
    unsigned shared_bytes;
    void** params;
    uint64_t seed;
};

// Runs every block of the launch to completion (blocks in parallel on the worker pool). Returns an empty string on
// success, else a description of the failure (deadlock, divergent barrier, bad warp mask).
std::string run_launch(const LaunchConfig& cfg);

// Worker threads used for blocks (RCNN4J_EMU_THREADS, else the hardware's, capped).
int worker_count();

// ---- device memory (memory.cpp) --------------------------------------------------------------------------
// Allocations carry guard bands before and after; their address is 256-byte aligned.
void* device_alloc(size_t bytes, bool host_pinned);
// Returns false for an address that is not the start of a live allocation of that kind.
bool device_free(void* p, bool host_pinned, std::string* guard_violation);
// True when [p, p+bytes) lies inside one live allocation (device or pinned host).
bool range_is_allocated(const void* p, size_t bytes);
std::string describe_range(const void* p, size_t bytes);
bool allocation_range(const void* p, uintptr_t* base, size_t* size);
// Whether p lies in a live allocation; *host tells pinned host memory (cuMemAllocHost) from device memory.
bool allocation_is_host(const void* p, bool* host);
// Checks (and re-arms) every guard band; returns a description of each violation, empty if none.
std::string check_guards();
size_t allocated_bytes();

}  // namespace cuemu
