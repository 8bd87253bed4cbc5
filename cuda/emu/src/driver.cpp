// The CUDA driver API as libJCudaDriver calls it, over the emulator: one device, contexts, device memory with guard
// bands, modules that bind kernel names to the kernels compiled into this library, and synchronous launches.
// The driver's types are declared here (no CUDA headers needed to build).
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "format.h"
#include "runtime.h"

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
struct CUctx_st;
struct CUmod_st;
struct CUfunc_st;
struct CUstream_st;
struct CUevent_st;
typedef CUctx_st* CUcontext;
typedef CUmod_st* CUmodule;
typedef CUfunc_st* CUfunction;
typedef CUstream_st* CUstream;
typedef CUevent_st* CUevent;

#define CUAPI extern "C" __attribute__((visibility("default")))

namespace {

using namespace cuemu;

enum : int {
    CUDA_SUCCESS = 0,
    CUDA_ERROR_INVALID_VALUE = 1,
    CUDA_ERROR_OUT_OF_MEMORY = 2,
    CUDA_ERROR_NOT_INITIALIZED = 3,
    CUDA_ERROR_INVALID_DEVICE = 101,
    CUDA_ERROR_INVALID_IMAGE = 200,
    CUDA_ERROR_INVALID_CONTEXT = 201,
    CUDA_ERROR_FILE_NOT_FOUND = 301,
    CUDA_ERROR_INVALID_HANDLE = 400,
    CUDA_ERROR_NOT_FOUND = 500,
    CUDA_ERROR_ILLEGAL_ADDRESS = 700,
    CUDA_ERROR_LAUNCH_FAILED = 719,
    CUDA_ERROR_NOT_SUPPORTED = 801,
};

constexpr int kDriverVersion = 13000;
constexpr int kSharedPerBlock = 48 * 1024;
constexpr int kSharedOptin = 227 * 1024;
constexpr int kSharedPerSm = 228 * 1024;
constexpr const char* kDeviceName = "rcnn4j CUDA emulator";

// ---- errors: the last failure's details, per thread, for cuGetErrorString --------------------------------

thread_local int t_error_code = 0;
thread_local std::string t_error_detail;

CUresult fail(CUresult code, std::string detail, bool print = false) {
    t_error_code = code;
    t_error_detail = detail.empty() ? std::string() : "rcnn4j cuda-emu: " + detail;
    if (print && !detail.empty()) fprintf(stderr, "%s\n", t_error_detail.c_str());
    return code;
}

const char* error_name(CUresult e) {
    switch (e) {
#define CUEMU_ERROR(v, n) case v: return #n;
#include "error_names.inc"
#undef CUEMU_ERROR
    }
    return nullptr;
}

const char* error_string(CUresult e) {
    switch (e) {
        case 0: return "no error";
        case 1: return "invalid argument";
        case 2: return "out of memory";
        case 3: return "initialization error";
        case 4: return "driver shutting down";
        case 100: return "no CUDA-capable device is detected";
        case 101: return "invalid device ordinal";
        case 200: return "device kernel image is invalid";
        case 201: return "invalid device context";
        case 209: return "no kernel image is available for execution on the device";
        case 218: return "a PTX JIT compilation failed";
        case 222: return "the provided PTX was compiled with an unsupported toolchain.";
        case 301: return "file not found";
        case 400: return "invalid resource handle";
        case 401: return "the operation cannot be performed in the present state";
        case 500: return "named symbol not found";
        case 600: return "device not ready";
        case 700: return "an illegal memory access was encountered";
        case 701: return "too many resources requested for launch";
        case 702: return "the launch timed out and was terminated";
        case 709: return "context is destroyed";
        case 715: return "an illegal instruction was encountered";
        case 719: return "unspecified launch failure";
        case 800: return "operation not permitted";
        case 801: return "operation not supported";
        case 999: return "unknown error";
    }
    return error_name(e);
}

// ---- settings from the environment ----------------------------------------------------------------------

bool env_flag(const char* name, bool fallback) {
    const char* v = getenv(name);
    if (v == nullptr || *v == 0) return fallback;
    return !(strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "off") == 0);
}

struct Settings {
    bool fixed_seed = false;
    uint64_t seed = 0;
    bool check_each_launch = true;
    bool trace = false;
    Settings() {
        const char* s = getenv("RCNN4J_EMU_SEED");
        if (s != nullptr && *s) {
            char* end = nullptr;
            seed = strtoull(s, &end, 0);
            fixed_seed = end != s;
            if (!fixed_seed) fprintf(stderr, "rcnn4j cuda-emu: ignoring RCNN4J_EMU_SEED=%s (not a number)\n", s);
        }
        check_each_launch = env_flag("RCNN4J_EMU_CHECK", true);
        trace = env_flag("RCNN4J_EMU_TRACE", false);
    }
};

const Settings& settings() {
    static const Settings s;
    return s;
}

uint64_t launch_seed() {
    if (settings().fixed_seed) return settings().seed;
    static std::mutex m;
    static std::mt19937_64 rng{(uint64_t(std::random_device{}()) << 32) ^ std::random_device{}() ^
                               uint64_t(std::chrono::steady_clock::now().time_since_epoch().count())};
    std::lock_guard<std::mutex> lock(m);
    return rng();
}

// ---- handles ------------------------------------------------------------------------------------------------

struct ModuleState;

}  // namespace

struct CUctx_st {
    bool primary = false;
    unsigned flags = 0;
};
struct CUfunc_st {
    const KernelInfo* kernel;
    CUmod_st* module;
    int max_dynamic_shared = kSharedPerBlock;
    int carveout = -1;
};
struct CUmod_st {
    std::string image_kind;
    std::map<std::string, std::unique_ptr<CUfunc_st>> functions;
};
struct CUstream_st {
    unsigned flags = 0;
    int priority = 0;
    CUcontext ctx = nullptr;
};
struct CUevent_st {
    unsigned flags = 0;
    bool recorded = false;
    std::chrono::steady_clock::time_point time;
};

namespace {

std::mutex g_mutex;  // guards the handle sets and the primary context
bool g_initialized = false;
CUctx_st g_primary{true, 0};
int g_primary_refs = 0;
std::set<CUctx_st*> g_contexts{&g_primary};
std::set<CUmod_st*> g_modules;
std::set<CUfunc_st*> g_functions;
std::set<CUstream_st*> g_streams;
std::set<CUevent_st*> g_events;

// The kernel that ran last, for reports of guard damage found later.
std::mutex g_last_mutex;
std::string g_last_kernel = "(no kernel has run yet)";
std::atomic<uint64_t> g_launch_count{0};

thread_local std::vector<CUcontext> t_ctx_stack;

bool initialized() {
    std::lock_guard<std::mutex> lock(g_mutex);
    return g_initialized;
}

CUcontext current_context() { return t_ctx_stack.empty() ? nullptr : t_ctx_stack.back(); }

// The calling thread's current context, unless it was destroyed (by any thread) since it was made current.
bool current_context_alive() {
    CUcontext c = current_context();
    if (c == nullptr) return false;
    std::lock_guard<std::mutex> lock(g_mutex);
    return g_contexts.count(c) != 0;
}

#define REQUIRE_INIT()                                                                                 \
    do {                                                                                               \
        if (!initialized()) return fail(CUDA_ERROR_NOT_INITIALIZED, "cuInit has not been called");    \
    } while (0)
#define REQUIRE_CONTEXT()                                                                              \
    do {                                                                                               \
        REQUIRE_INIT();                                                                                \
        if (!current_context_alive())                                                                  \
            return fail(CUDA_ERROR_INVALID_CONTEXT,                                                    \
                        std::string(__func__) + ": no live CUDA context is current on this thread (make the " \
                        "retained primary context current with cuCtxSetCurrent on every thread that "  \
                        "uses the device)");                                                           \
    } while (0)
#define REQUIRE_DEVICE(dev)                                                                            \
    do {                                                                                               \
        if ((dev) != 0) return fail(CUDA_ERROR_INVALID_DEVICE, format("no device %d", int(dev)));      \
    } while (0)
#define REQUIRE_PTR(p)                                                                                 \
    do {                                                                                               \
        if ((p) == nullptr) return fail(CUDA_ERROR_INVALID_VALUE, std::string(__func__) + ": null " #p); \
    } while (0)

bool valid_stream(CUstream s) {
    uintptr_t v = reinterpret_cast<uintptr_t>(s);
    if (v <= 2) return true;  // NULL, CU_STREAM_LEGACY, CU_STREAM_PER_THREAD
    std::lock_guard<std::mutex> lock(g_mutex);
    return g_streams.count(s) != 0;
}

#define REQUIRE_STREAM(s)                                                                              \
    do {                                                                                               \
        if (!valid_stream(s)) return fail(CUDA_ERROR_INVALID_HANDLE, std::string(__func__) + ": unknown stream"); \
    } while (0)

std::string last_kernel() {
    std::lock_guard<std::mutex> lock(g_last_mutex);
    return g_last_kernel;
}

// Guard bands of all allocations; a damaged one fails the call that found it.
CUresult check_memory(const char* where) {
    std::string v = check_guards();
    if (v.empty()) return CUDA_SUCCESS;
    return fail(CUDA_ERROR_ILLEGAL_ADDRESS,
                format("out-of-bounds write found at %s; the last kernel that ran was %s: %s", where,
                       last_kernel().c_str(), v.c_str()),
                true);
}

CUresult check_device_range(const char* fn, const char* what, const void* p, size_t bytes) {
    if (bytes == 0 || range_is_allocated(p, bytes)) return CUDA_SUCCESS;
    return fail(CUDA_ERROR_INVALID_VALUE, format("%s: %s %s", fn, what, describe_range(p, bytes).c_str()));
}

void* dptr(CUdeviceptr p) { return reinterpret_cast<void*>(uintptr_t(p)); }

// A module image as the real driver accepts it: fatbin, cubin (ELF) or NUL-terminated PTX text.
const char* image_kind(const void* image) {
    const unsigned char* b = static_cast<const unsigned char*>(image);
    uint32_t magic;
    std::memcpy(&magic, b, 4);
    if (magic == 0xBA55ED50u) return "fatbin";
    if (magic == 0x466243B1u) return "fatbin wrapper";
    if (b[0] == 0x7F && b[1] == 'E' && b[2] == 'L' && b[3] == 'F') return "cubin";
    const char* s = static_cast<const char*>(image);
    size_t i = 0;
    while (i < 4096 && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
    if (s[i] == '/' || s[i] == '.') {
        size_t n = strnlen(s, size_t(1) << 30);
        std::string text(s, n);
        if (text.find(".version") != std::string::npos && text.find(".target") != std::string::npos) return "PTX";
    }
    return nullptr;
}

CUresult load_module(CUmodule* out, const void* image, const char* fn) {
    REQUIRE_CONTEXT();
    REQUIRE_PTR(out);
    REQUIRE_PTR(image);
    const char* kind = image_kind(image);
    if (kind == nullptr) {
        return fail(CUDA_ERROR_INVALID_IMAGE,
                    format("%s: the image is neither a fatbin, a cubin nor NUL-terminated PTX text", fn));
    }
    auto* m = new CUmod_st;
    m->image_kind = kind;
    std::lock_guard<std::mutex> lock(g_mutex);
    g_modules.insert(m);
    *out = m;
    return CUDA_SUCCESS;
}

CUresult do_memcpy(void* dst, const void* src, size_t n) {
    if (n) std::memmove(dst, src, n);
    return CUDA_SUCCESS;
}

template <typename T> CUresult do_memset(const char* fn, CUdeviceptr dst, T value, size_t count) {
    REQUIRE_CONTEXT();
    if (CUresult r = check_device_range(fn, "destination", dptr(dst), count * sizeof(T))) return r;
    if (dst % sizeof(T) != 0) return fail(CUDA_ERROR_INVALID_VALUE, format("%s: misaligned destination", fn));
    T* p = static_cast<T*>(dptr(dst));
    for (size_t i = 0; i < count; ++i) p[i] = value;
    return CUDA_SUCCESS;
}

int device_attribute(int a, bool* known) {
    *known = true;
    switch (a) {
        case 1: return 1024;                 // MAX_THREADS_PER_BLOCK
        case 2: return 1024;                 // MAX_BLOCK_DIM_X
        case 3: return 1024;                 // MAX_BLOCK_DIM_Y
        case 4: return 64;                   // MAX_BLOCK_DIM_Z
        case 5: return 2147483647;           // MAX_GRID_DIM_X
        case 6: return 65535;                // MAX_GRID_DIM_Y
        case 7: return 65535;                // MAX_GRID_DIM_Z
        case 8: return kSharedPerBlock;      // MAX_SHARED_MEMORY_PER_BLOCK
        case 9: return 65536;                // TOTAL_CONSTANT_MEMORY
        case 10: return 32;                  // WARP_SIZE
        case 11: return 2147483647;          // MAX_PITCH
        case 12: return 65536;               // MAX_REGISTERS_PER_BLOCK
        case 13: return 1980000;             // CLOCK_RATE (kHz)
        case 14: return 512;                 // TEXTURE_ALIGNMENT
        case 15: return 1;                   // GPU_OVERLAP
        case 16: return 132;                 // MULTIPROCESSOR_COUNT
        case 17: return 0;                   // KERNEL_EXEC_TIMEOUT
        case 18: return 0;                   // INTEGRATED
        case 19: return 1;                   // CAN_MAP_HOST_MEMORY
        case 20: return 0;                   // COMPUTE_MODE (default)
        case 30: return 512;                 // SURFACE_ALIGNMENT
        case 31: return 1;                   // CONCURRENT_KERNELS
        case 32: return 0;                   // ECC_ENABLED
        case 36: return 2619000;             // MEMORY_CLOCK_RATE (kHz)
        case 37: return 5120;                // GLOBAL_MEMORY_BUS_WIDTH
        case 38: return 50 * 1024 * 1024;    // L2_CACHE_SIZE
        case 39: return 2048;                // MAX_THREADS_PER_MULTIPROCESSOR
        case 40: return 2;                   // ASYNC_ENGINE_COUNT
        case 41: return 1;                   // UNIFIED_ADDRESSING
        case 75: return 9;                   // COMPUTE_CAPABILITY_MAJOR
        case 76: return 0;                   // COMPUTE_CAPABILITY_MINOR
        case 78: return 1;                   // STREAM_PRIORITIES_SUPPORTED
        case 79: return 1;                   // GLOBAL_L1_CACHE_SUPPORTED
        case 80: return 1;                   // LOCAL_L1_CACHE_SUPPORTED
        case 81: return kSharedPerSm;        // MAX_SHARED_MEMORY_PER_MULTIPROCESSOR
        case 82: return 65536;               // MAX_REGISTERS_PER_MULTIPROCESSOR
        case 86: return 0;                   // HOST_NATIVE_ATOMIC_SUPPORTED
        case 95: return 0;                   // COOPERATIVE_LAUNCH (grid sync is not emulated)
        case 97: return kSharedOptin;        // MAX_SHARED_MEMORY_PER_BLOCK_OPTIN
        case 106: return 32;                 // MAX_BLOCKS_PER_MULTIPROCESSOR
        case 111: return 1024;               // RESERVED_SHARED_MEMORY_PER_BLOCK
    }
    if (a >= 1 && a <= 147) return 0;  // exists in CUDA 13, not modeled
    *known = false;
    return 0;
}

size_t physical_memory() {
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return (pages > 0 && size > 0) ? size_t(pages) * size_t(size) : (size_t(16) << 30);
}

std::string launch_shape(const char* name, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by,
                         unsigned bz, unsigned smem) {
    return format("%s<<<(%u,%u,%u), (%u,%u,%u), %u>>>", name, gx, gy, gz, bx, by, bz, smem);
}

}  // namespace

extern "C" __attribute__((visibility("hidden"))) int cuemu_unsupported(const char* name) {
    static std::mutex m;
    static std::set<std::string> warned;
    std::string msg = std::string(name) + " is not supported by the emulator";
    {
        std::lock_guard<std::mutex> lock(m);
        if (warned.insert(name).second) fprintf(stderr, "rcnn4j cuda-emu: %s\n", msg.c_str());
    }
    return fail(CUDA_ERROR_NOT_SUPPORTED, msg);
}

// ---- initialization, version, device ---------------------------------------------------------------------

CUAPI CUresult cuInit(unsigned flags) {
    if (flags != 0) return fail(CUDA_ERROR_INVALID_VALUE, "cuInit: flags must be 0");
    std::lock_guard<std::mutex> lock(g_mutex);
    g_initialized = true;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuDriverGetVersion(int* v) {
    REQUIRE_PTR(v);
    *v = kDriverVersion;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuDeviceGet(CUdevice* d, int ordinal) {
    REQUIRE_INIT();
    REQUIRE_PTR(d);
    REQUIRE_DEVICE(ordinal);
    *d = 0;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuDeviceGetCount(int* n) {
    REQUIRE_INIT();
    REQUIRE_PTR(n);
    *n = 1;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuDeviceGetName(char* name, int len, CUdevice d) {
    REQUIRE_INIT();
    REQUIRE_PTR(name);
    REQUIRE_DEVICE(d);
    if (len <= 0) return fail(CUDA_ERROR_INVALID_VALUE, "cuDeviceGetName: len <= 0");
    snprintf(name, size_t(len), "%s", kDeviceName);
    return CUDA_SUCCESS;
}

CUAPI CUresult cuDeviceGetAttribute(int* value, int attrib, CUdevice d) {
    REQUIRE_INIT();
    REQUIRE_PTR(value);
    REQUIRE_DEVICE(d);
    bool known;
    int v = device_attribute(attrib, &known);
    if (!known) return fail(CUDA_ERROR_INVALID_VALUE, format("cuDeviceGetAttribute: unknown attribute %d", attrib));
    *value = v;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuDeviceComputeCapability(int* major, int* minor, CUdevice d) {
    REQUIRE_INIT();
    REQUIRE_PTR(major);
    REQUIRE_PTR(minor);
    REQUIRE_DEVICE(d);
    *major = 9;
    *minor = 0;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuDeviceTotalMem_v2(size_t* bytes, CUdevice d) {
    REQUIRE_INIT();
    REQUIRE_PTR(bytes);
    REQUIRE_DEVICE(d);
    *bytes = physical_memory();
    return CUDA_SUCCESS;
}

CUAPI CUresult cuDeviceGetUuid(unsigned char* uuid, CUdevice d) {
    REQUIRE_INIT();
    REQUIRE_PTR(uuid);
    REQUIRE_DEVICE(d);
    static const unsigned char id[16] = {'r', 'c', 'n', 'n', '4', 'j', '-', 'c', 'u', 'd', 'a', '-', 'e', 'm', 'u', 0};
    std::memcpy(uuid, id, 16);
    return CUDA_SUCCESS;
}

CUAPI CUresult cuDeviceGetPCIBusId(char* id, int len, CUdevice d) {
    REQUIRE_INIT();
    REQUIRE_PTR(id);
    REQUIRE_DEVICE(d);
    if (len <= 0) return fail(CUDA_ERROR_INVALID_VALUE, "cuDeviceGetPCIBusId: len <= 0");
    snprintf(id, size_t(len), "0000:00:00.0");
    return CUDA_SUCCESS;
}

// ---- contexts -----------------------------------------------------------------------------------------------

CUAPI CUresult cuDevicePrimaryCtxRetain(CUcontext* ctx, CUdevice d) {
    REQUIRE_INIT();
    REQUIRE_PTR(ctx);
    REQUIRE_DEVICE(d);
    std::lock_guard<std::mutex> lock(g_mutex);
    ++g_primary_refs;
    *ctx = &g_primary;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuDevicePrimaryCtxRelease_v2(CUdevice d) {
    REQUIRE_INIT();
    REQUIRE_DEVICE(d);
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_primary_refs == 0) return fail(CUDA_ERROR_INVALID_CONTEXT, "cuDevicePrimaryCtxRelease: not retained");
    --g_primary_refs;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuDevicePrimaryCtxGetState(CUdevice d, unsigned* flags, int* active) {
    REQUIRE_INIT();
    REQUIRE_PTR(flags);
    REQUIRE_PTR(active);
    REQUIRE_DEVICE(d);
    std::lock_guard<std::mutex> lock(g_mutex);
    *flags = g_primary.flags;
    *active = g_primary_refs > 0;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuDevicePrimaryCtxSetFlags_v2(CUdevice d, unsigned flags) {
    REQUIRE_INIT();
    REQUIRE_DEVICE(d);
    std::lock_guard<std::mutex> lock(g_mutex);
    g_primary.flags = flags;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuDevicePrimaryCtxReset_v2(CUdevice d) {
    REQUIRE_INIT();
    REQUIRE_DEVICE(d);
    std::lock_guard<std::mutex> lock(g_mutex);
    g_primary.flags = 0;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuCtxCreate_v2(CUcontext* ctx, unsigned flags, CUdevice d) {
    REQUIRE_INIT();
    REQUIRE_PTR(ctx);
    REQUIRE_DEVICE(d);
    auto* c = new CUctx_st{false, flags};
    {
        std::lock_guard<std::mutex> lock(g_mutex);
        g_contexts.insert(c);
    }
    t_ctx_stack.push_back(c);
    *ctx = c;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuCtxDestroy_v2(CUcontext ctx) {
    REQUIRE_INIT();
    {
        std::lock_guard<std::mutex> lock(g_mutex);
        if (ctx == nullptr || ctx->primary || !g_contexts.count(ctx))
            return fail(CUDA_ERROR_INVALID_CONTEXT, "cuCtxDestroy: not a context made by cuCtxCreate");
        g_contexts.erase(ctx);
    }
    for (auto it = t_ctx_stack.begin(); it != t_ctx_stack.end();) it = *it == ctx ? t_ctx_stack.erase(it) : it + 1;
    delete ctx;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuCtxSetCurrent(CUcontext ctx) {
    REQUIRE_INIT();
    if (ctx == nullptr) {
        if (!t_ctx_stack.empty()) t_ctx_stack.pop_back();
        return CUDA_SUCCESS;
    }
    {
        std::lock_guard<std::mutex> lock(g_mutex);
        if (!g_contexts.count(ctx)) return fail(CUDA_ERROR_INVALID_CONTEXT, "cuCtxSetCurrent: unknown context");
    }
    if (t_ctx_stack.empty()) {
        t_ctx_stack.push_back(ctx);
    } else {
        t_ctx_stack.back() = ctx;
    }
    return CUDA_SUCCESS;
}

CUAPI CUresult cuCtxGetCurrent(CUcontext* ctx) {
    REQUIRE_INIT();
    REQUIRE_PTR(ctx);
    *ctx = current_context();
    return CUDA_SUCCESS;
}

CUAPI CUresult cuCtxPushCurrent_v2(CUcontext ctx) {
    REQUIRE_INIT();
    {
        std::lock_guard<std::mutex> lock(g_mutex);
        if (!g_contexts.count(ctx)) return fail(CUDA_ERROR_INVALID_CONTEXT, "cuCtxPushCurrent: unknown context");
    }
    t_ctx_stack.push_back(ctx);
    return CUDA_SUCCESS;
}

CUAPI CUresult cuCtxPopCurrent_v2(CUcontext* ctx) {
    REQUIRE_INIT();
    if (t_ctx_stack.empty()) return fail(CUDA_ERROR_INVALID_CONTEXT, "cuCtxPopCurrent: no current context");
    if (ctx) *ctx = t_ctx_stack.back();
    t_ctx_stack.pop_back();
    return CUDA_SUCCESS;
}

CUAPI CUresult cuCtxGetDevice(CUdevice* d) {
    REQUIRE_CONTEXT();
    REQUIRE_PTR(d);
    *d = 0;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuCtxGetFlags(unsigned* flags) {
    REQUIRE_CONTEXT();
    REQUIRE_PTR(flags);
    *flags = current_context()->flags;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuCtxGetApiVersion(CUcontext ctx, unsigned* version) {
    REQUIRE_INIT();
    REQUIRE_PTR(version);
    (void)ctx;
    *version = 12000;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuCtxSynchronize() {
    REQUIRE_CONTEXT();
    return check_memory("cuCtxSynchronize");
}

// CUlimit values, accepted and reported back; they have no effect on the emulator.
static size_t g_limits[8] = {1024, 1 << 20, 8 << 20, 2, 2048, 0, 4096, 0};

CUAPI CUresult cuCtxGetLimit(size_t* value, int limit) {
    REQUIRE_CONTEXT();
    REQUIRE_PTR(value);
    if (limit < 0 || limit >= 8) return fail(CUDA_ERROR_INVALID_VALUE, format("cuCtxGetLimit: unknown limit %d", limit));
    std::lock_guard<std::mutex> lock(g_mutex);
    *value = g_limits[limit];
    return CUDA_SUCCESS;
}

CUAPI CUresult cuCtxSetLimit(int limit, size_t value) {
    REQUIRE_CONTEXT();
    if (limit < 0 || limit >= 8) return fail(CUDA_ERROR_INVALID_VALUE, format("cuCtxSetLimit: unknown limit %d", limit));
    std::lock_guard<std::mutex> lock(g_mutex);
    g_limits[limit] = value;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuCtxGetStreamPriorityRange(int* least, int* greatest) {
    REQUIRE_CONTEXT();
    if (least) *least = 0;
    if (greatest) *greatest = -5;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuCtxGetCacheConfig(int* config) {
    REQUIRE_CONTEXT();
    REQUIRE_PTR(config);
    *config = 0;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuCtxSetCacheConfig(int) {
    REQUIRE_CONTEXT();
    return CUDA_SUCCESS;
}

// ---- memory -------------------------------------------------------------------------------------------------

CUAPI CUresult cuMemGetInfo_v2(size_t* free_bytes, size_t* total) {
    REQUIRE_CONTEXT();
    REQUIRE_PTR(free_bytes);
    REQUIRE_PTR(total);
    size_t t = physical_memory(), used = allocated_bytes();
    *total = t;
    *free_bytes = used < t ? t - used : 0;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuMemAlloc_v2(CUdeviceptr* p, size_t bytes) {
    REQUIRE_CONTEXT();
    REQUIRE_PTR(p);
    if (bytes == 0) return fail(CUDA_ERROR_INVALID_VALUE, "cuMemAlloc: 0 bytes");
    void* m = device_alloc(bytes, false);
    if (m == nullptr) return fail(CUDA_ERROR_OUT_OF_MEMORY, format("cuMemAlloc: cannot allocate %zu bytes", bytes));
    *p = CUdeviceptr(reinterpret_cast<uintptr_t>(m));
    return CUDA_SUCCESS;
}

CUAPI CUresult cuMemFree_v2(CUdeviceptr p) {
    REQUIRE_CONTEXT();
    if (p == 0) return CUDA_SUCCESS;
    std::string violation;
    if (!device_free(dptr(p), false, &violation)) {
        return fail(CUDA_ERROR_INVALID_VALUE,
                    format("cuMemFree: 0x%llx is not the start of a live cuMemAlloc allocation", p));
    }
    if (!violation.empty()) {
        return fail(CUDA_ERROR_ILLEGAL_ADDRESS,
                    format("out-of-bounds write found at cuMemFree; the last kernel that ran was %s: %s",
                           last_kernel().c_str(), violation.c_str()),
                    true);
    }
    return CUDA_SUCCESS;
}

// Stream-ordered allocation: everything is synchronous here, so these are cuMemAlloc/cuMemFree.
CUAPI CUresult cuMemAllocAsync(CUdeviceptr* p, size_t bytes, CUstream s) {
    REQUIRE_STREAM(s);
    return cuMemAlloc_v2(p, bytes);
}

CUAPI CUresult cuMemFreeAsync(CUdeviceptr p, CUstream s) {
    REQUIRE_STREAM(s);
    return cuMemFree_v2(p);
}

CUAPI CUresult cuMemAllocHost_v2(void** p, size_t bytes) {
    REQUIRE_CONTEXT();
    REQUIRE_PTR(p);
    if (bytes == 0) return fail(CUDA_ERROR_INVALID_VALUE, "cuMemAllocHost: 0 bytes");
    void* m = device_alloc(bytes, true);
    if (m == nullptr) return fail(CUDA_ERROR_OUT_OF_MEMORY, format("cuMemAllocHost: cannot allocate %zu bytes", bytes));
    *p = m;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuMemHostAlloc(void** p, size_t bytes, unsigned) { return cuMemAllocHost_v2(p, bytes); }

CUAPI CUresult cuMemFreeHost(void* p) {
    REQUIRE_CONTEXT();
    std::string violation;
    if (!device_free(p, true, &violation))
        return fail(CUDA_ERROR_INVALID_VALUE, "cuMemFreeHost: not a live cuMemAllocHost allocation");
    if (!violation.empty()) {
        return fail(CUDA_ERROR_ILLEGAL_ADDRESS,
                    format("out-of-bounds write found at cuMemFreeHost; the last kernel that ran was %s: %s",
                           last_kernel().c_str(), violation.c_str()),
                    true);
    }
    return CUDA_SUCCESS;
}

CUAPI CUresult cuMemHostGetDevicePointer_v2(CUdeviceptr* d, void* p, unsigned flags) {
    REQUIRE_CONTEXT();
    REQUIRE_PTR(d);
    if (flags != 0) return fail(CUDA_ERROR_INVALID_VALUE, "cuMemHostGetDevicePointer: flags must be 0");
    if (!range_is_allocated(p, 1)) return fail(CUDA_ERROR_INVALID_VALUE, "cuMemHostGetDevicePointer: not pinned memory");
    *d = CUdeviceptr(reinterpret_cast<uintptr_t>(p));
    return CUDA_SUCCESS;
}

CUAPI CUresult cuMemGetAddressRange_v2(CUdeviceptr* base, size_t* size, CUdeviceptr p) {
    REQUIRE_CONTEXT();
    uintptr_t b;
    size_t s;
    if (!allocation_range(dptr(p), &b, &s))
        return fail(CUDA_ERROR_NOT_FOUND, format("cuMemGetAddressRange: 0x%llx is not in any allocation", p));
    if (base) *base = b;
    if (size) *size = s;
    return CUDA_SUCCESS;
}

// Only CU_POINTER_ATTRIBUTE_MEMORY_TYPE (2): CU_MEMORYTYPE_HOST (1) for cuMemAllocHost memory, _DEVICE (2) for
// cuMemAlloc memory; a pointer into neither is CUDA_ERROR_INVALID_VALUE, as for unregistered host memory.
CUAPI CUresult cuPointerGetAttribute(void* data, int attribute, CUdeviceptr p) {
    REQUIRE_CONTEXT();
    REQUIRE_PTR(data);
    if (attribute != 2) {
        return fail(CUDA_ERROR_NOT_SUPPORTED, format("cuPointerGetAttribute: attribute %d is not emulated (only "
                                                     "CU_POINTER_ATTRIBUTE_MEMORY_TYPE)", attribute));
    }
    bool host = false;
    if (!allocation_is_host(dptr(p), &host)) {
        return fail(CUDA_ERROR_INVALID_VALUE, format("cuPointerGetAttribute: 0x%llx is not in any allocation", p));
    }
    *static_cast<unsigned*>(data) = host ? 1u : 2u;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void* src, size_t n) {
    REQUIRE_CONTEXT();
    if (CUresult r = check_device_range("cuMemcpyHtoD", "destination", dptr(dst), n)) return r;
    if (n) REQUIRE_PTR(src);
    return do_memcpy(dptr(dst), src, n);
}

CUAPI CUresult cuMemcpyDtoH_v2(void* dst, CUdeviceptr src, size_t n) {
    REQUIRE_CONTEXT();
    if (CUresult r = check_device_range("cuMemcpyDtoH", "source", dptr(src), n)) return r;
    if (n) REQUIRE_PTR(dst);
    return do_memcpy(dst, dptr(src), n);
}

CUAPI CUresult cuMemcpyDtoD_v2(CUdeviceptr dst, CUdeviceptr src, size_t n) {
    REQUIRE_CONTEXT();
    if (CUresult r = check_device_range("cuMemcpyDtoD", "destination", dptr(dst), n)) return r;
    if (CUresult r = check_device_range("cuMemcpyDtoD", "source", dptr(src), n)) return r;
    return do_memcpy(dptr(dst), dptr(src), n);
}

// Unified addressing: either side may be host or device memory.
CUAPI CUresult cuMemcpy(CUdeviceptr dst, CUdeviceptr src, size_t n) {
    REQUIRE_CONTEXT();
    if (n && (dst == 0 || src == 0)) return fail(CUDA_ERROR_INVALID_VALUE, "cuMemcpy: null pointer");
    return do_memcpy(dptr(dst), dptr(src), n);
}

CUAPI CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void* src, size_t n, CUstream s) {
    REQUIRE_STREAM(s);
    return cuMemcpyHtoD_v2(dst, src, n);
}
CUAPI CUresult cuMemcpyDtoHAsync_v2(void* dst, CUdeviceptr src, size_t n, CUstream s) {
    REQUIRE_STREAM(s);
    return cuMemcpyDtoH_v2(dst, src, n);
}
CUAPI CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t n, CUstream s) {
    REQUIRE_STREAM(s);
    return cuMemcpyDtoD_v2(dst, src, n);
}
CUAPI CUresult cuMemcpyAsync(CUdeviceptr dst, CUdeviceptr src, size_t n, CUstream s) {
    REQUIRE_STREAM(s);
    return cuMemcpy(dst, src, n);
}

CUAPI CUresult cuMemsetD8_v2(CUdeviceptr d, unsigned char v, size_t n) {
    return do_memset<unsigned char>("cuMemsetD8", d, v, n);
}
CUAPI CUresult cuMemsetD16_v2(CUdeviceptr d, unsigned short v, size_t n) {
    return do_memset<unsigned short>("cuMemsetD16", d, v, n);
}
CUAPI CUresult cuMemsetD32_v2(CUdeviceptr d, unsigned int v, size_t n) {
    return do_memset<unsigned int>("cuMemsetD32", d, v, n);
}
CUAPI CUresult cuMemsetD8Async(CUdeviceptr d, unsigned char v, size_t n, CUstream s) {
    REQUIRE_STREAM(s);
    return cuMemsetD8_v2(d, v, n);
}
CUAPI CUresult cuMemsetD16Async(CUdeviceptr d, unsigned short v, size_t n, CUstream s) {
    REQUIRE_STREAM(s);
    return cuMemsetD16_v2(d, v, n);
}
CUAPI CUresult cuMemsetD32Async(CUdeviceptr d, unsigned int v, size_t n, CUstream s) {
    REQUIRE_STREAM(s);
    return cuMemsetD32_v2(d, v, n);
}

// Pitched 2-D copies between host and device memory (no CUDA arrays).
struct CUDA_MEMCPY2D {
    size_t srcXInBytes, srcY;
    int srcMemoryType;
    const void* srcHost;
    CUdeviceptr srcDevice;
    void* srcArray;
    size_t srcPitch;
    size_t dstXInBytes, dstY;
    int dstMemoryType;
    void* dstHost;
    CUdeviceptr dstDevice;
    void* dstArray;
    size_t dstPitch;
    size_t WidthInBytes, Height;
};

static CUresult memcpy2d(const CUDA_MEMCPY2D* c, const char* fn) {
    REQUIRE_CONTEXT();
    REQUIRE_PTR(c);
    enum { HOST = 1, DEVICE = 2, ARRAY = 3, UNIFIED = 4 };
    if (c->srcMemoryType == ARRAY || c->dstMemoryType == ARRAY)
        return fail(CUDA_ERROR_NOT_SUPPORTED, std::string(fn) + ": CUDA arrays are not supported by the emulator");
    auto valid = [](int t) { return t == HOST || t == DEVICE || t == UNIFIED; };
    if (!valid(c->srcMemoryType) || !valid(c->dstMemoryType))
        return fail(CUDA_ERROR_INVALID_VALUE, std::string(fn) + ": unknown memory type");
    if (c->Height == 0 || c->WidthInBytes == 0) return CUDA_SUCCESS;
    if ((c->Height > 1 && (c->srcPitch < c->WidthInBytes + c->srcXInBytes || c->dstPitch < c->WidthInBytes + c->dstXInBytes)))
        return fail(CUDA_ERROR_INVALID_VALUE, std::string(fn) + ": pitch smaller than the row");
    const char* src = c->srcMemoryType == HOST ? static_cast<const char*>(c->srcHost)
                                               : static_cast<const char*>(dptr(c->srcDevice));
    char* dst = c->dstMemoryType == HOST ? static_cast<char*>(c->dstHost) : static_cast<char*>(dptr(c->dstDevice));
    REQUIRE_PTR(src);
    REQUIRE_PTR(dst);
    src += c->srcY * c->srcPitch + c->srcXInBytes;
    dst += c->dstY * c->dstPitch + c->dstXInBytes;
    size_t src_span = (c->Height - 1) * c->srcPitch + c->WidthInBytes;
    size_t dst_span = (c->Height - 1) * c->dstPitch + c->WidthInBytes;
    if (c->srcMemoryType == DEVICE)
        if (CUresult r = check_device_range(fn, "source", src, src_span)) return r;
    if (c->dstMemoryType == DEVICE)
        if (CUresult r = check_device_range(fn, "destination", dst, dst_span)) return r;
    for (size_t row = 0; row < c->Height; ++row)
        std::memmove(dst + row * c->dstPitch, src + row * c->srcPitch, c->WidthInBytes);
    return CUDA_SUCCESS;
}

CUAPI CUresult cuMemcpy2D_v2(const CUDA_MEMCPY2D* c) { return memcpy2d(c, "cuMemcpy2D"); }
CUAPI CUresult cuMemcpy2DUnaligned_v2(const CUDA_MEMCPY2D* c) { return memcpy2d(c, "cuMemcpy2DUnaligned"); }
CUAPI CUresult cuMemcpy2DAsync_v2(const CUDA_MEMCPY2D* c, CUstream s) {
    REQUIRE_STREAM(s);
    return memcpy2d(c, "cuMemcpy2DAsync");
}

// ---- modules and functions ----------------------------------------------------------------------------------

CUAPI CUresult cuModuleLoadData(CUmodule* m, const void* image) { return load_module(m, image, "cuModuleLoadData"); }

CUAPI CUresult cuModuleLoadDataEx(CUmodule* m, const void* image, unsigned, void*, void**) {
    return load_module(m, image, "cuModuleLoadDataEx");
}

CUAPI CUresult cuModuleLoadFatBinary(CUmodule* m, const void* image) {
    return load_module(m, image, "cuModuleLoadFatBinary");
}

CUAPI CUresult cuModuleLoad(CUmodule* m, const char* path) {
    REQUIRE_CONTEXT();
    REQUIRE_PTR(path);
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(CUDA_ERROR_FILE_NOT_FOUND, format("cuModuleLoad: cannot read %s", path));
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    bytes.push_back('\0');
    bytes.append(8, '\0');
    return load_module(m, bytes.data(), "cuModuleLoad");
}

CUAPI CUresult cuModuleUnload(CUmodule m) {
    REQUIRE_CONTEXT();
    std::lock_guard<std::mutex> lock(g_mutex);
    if (!g_modules.count(m)) return fail(CUDA_ERROR_INVALID_HANDLE, "cuModuleUnload: unknown module");
    for (auto& kv : m->functions) g_functions.erase(kv.second.get());
    g_modules.erase(m);
    delete m;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuModuleGetFunction(CUfunction* f, CUmodule m, const char* name) {
    REQUIRE_CONTEXT();
    REQUIRE_PTR(f);
    REQUIRE_PTR(name);
    std::lock_guard<std::mutex> lock(g_mutex);
    if (!g_modules.count(m)) return fail(CUDA_ERROR_INVALID_HANDLE, "cuModuleGetFunction: unknown module");
    auto it = m->functions.find(name);
    if (it == m->functions.end()) {
        const KernelInfo* k = find_kernel(name);
        if (k == nullptr) {
            return fail(CUDA_ERROR_NOT_FOUND,
                        format("cuModuleGetFunction: no kernel named %s was compiled into the emulator", name));
        }
        auto fn = std::make_unique<CUfunc_st>();
        fn->kernel = k;
        fn->module = m;
        it = m->functions.emplace(name, std::move(fn)).first;
        g_functions.insert(it->second.get());
    }
    *f = it->second.get();
    return CUDA_SUCCESS;
}

CUAPI CUresult cuModuleGetLoadingMode(int* mode) {
    REQUIRE_PTR(mode);
    *mode = 1;  // CU_MODULE_EAGER_LOADING
    return CUDA_SUCCESS;
}

static bool valid_function(CUfunction f) {
    std::lock_guard<std::mutex> lock(g_mutex);
    return g_functions.count(f) != 0;
}

CUAPI CUresult cuFuncGetModule(CUmodule* m, CUfunction f) {
    REQUIRE_CONTEXT();
    REQUIRE_PTR(m);
    if (!valid_function(f)) return fail(CUDA_ERROR_INVALID_HANDLE, "cuFuncGetModule: unknown function");
    *m = f->module;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuFuncGetAttribute(int* value, int attrib, CUfunction f) {
    REQUIRE_CONTEXT();
    REQUIRE_PTR(value);
    if (!valid_function(f)) return fail(CUDA_ERROR_INVALID_HANDLE, "cuFuncGetAttribute: unknown function");
    switch (attrib) {
        case 0: *value = 1024; break;                    // MAX_THREADS_PER_BLOCK
        case 1: *value = 0; break;                       // SHARED_SIZE_BYTES (static; not known to the emulator)
        case 2: *value = 0; break;                       // CONST_SIZE_BYTES
        case 3: *value = 0; break;                       // LOCAL_SIZE_BYTES
        case 4: *value = 32; break;                      // NUM_REGS
        case 5: *value = 90; break;                      // PTX_VERSION
        case 6: *value = 90; break;                      // BINARY_VERSION
        case 7: *value = 0; break;                       // CACHE_MODE_CA
        case 8: *value = f->max_dynamic_shared; break;   // MAX_DYNAMIC_SHARED_SIZE_BYTES
        case 9: *value = f->carveout; break;             // PREFERRED_SHARED_MEMORY_CARVEOUT
        default:
            if (attrib >= 10 && attrib <= 15) {
                *value = 0;
                break;
            }
            return fail(CUDA_ERROR_INVALID_VALUE, format("cuFuncGetAttribute: unknown attribute %d", attrib));
    }
    return CUDA_SUCCESS;
}

CUAPI CUresult cuFuncSetAttribute(CUfunction f, int attrib, int value) {
    REQUIRE_CONTEXT();
    if (!valid_function(f)) return fail(CUDA_ERROR_INVALID_HANDLE, "cuFuncSetAttribute: unknown function");
    switch (attrib) {
        case 8:
            if (value < 0 || value > kSharedOptin) {
                return fail(CUDA_ERROR_INVALID_VALUE,
                            format("cuFuncSetAttribute: MAX_DYNAMIC_SHARED_SIZE_BYTES %d is outside [0, %d]", value,
                                   kSharedOptin));
            }
            f->max_dynamic_shared = value;
            return CUDA_SUCCESS;
        case 9:
            if (value < -1 || value > 100)
                return fail(CUDA_ERROR_INVALID_VALUE, "cuFuncSetAttribute: carveout outside [-1, 100]");
            f->carveout = value;
            return CUDA_SUCCESS;
    }
    return fail(CUDA_ERROR_INVALID_VALUE, format("cuFuncSetAttribute: attribute %d cannot be set", attrib));
}

CUAPI CUresult cuFuncSetCacheConfig(CUfunction f, int) {
    REQUIRE_CONTEXT();
    if (!valid_function(f)) return fail(CUDA_ERROR_INVALID_HANDLE, "cuFuncSetCacheConfig: unknown function");
    return CUDA_SUCCESS;
}

CUAPI CUresult cuOccupancyMaxActiveBlocksPerMultiprocessor(int* blocks, CUfunction f, int block_size,
                                                           size_t dynamic_smem) {
    REQUIRE_CONTEXT();
    REQUIRE_PTR(blocks);
    if (!valid_function(f)) return fail(CUDA_ERROR_INVALID_HANDLE, "cuOccupancy: unknown function");
    if (block_size <= 0 || block_size > 1024) return fail(CUDA_ERROR_INVALID_VALUE, "cuOccupancy: bad block size");
    int warps = (block_size + 31) / 32;
    int by_threads = 64 / warps;
    int by_smem = dynamic_smem ? int(size_t(kSharedPerSm) / (dynamic_smem + 1024)) : 32;
    *blocks = std::max(0, std::min({by_threads, by_smem, 32}));
    return CUDA_SUCCESS;
}

// ---- launch -------------------------------------------------------------------------------------------------

CUAPI CUresult cuLaunchKernel(CUfunction f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by,
                              unsigned bz, unsigned shared_bytes, CUstream stream, void** params, void** extra) {
    REQUIRE_CONTEXT();
    if (f == nullptr || !valid_function(f))
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuLaunchKernel: not a function of a loaded module");
    const char* name = f->kernel->name.c_str();
    std::string shape = launch_shape(name, gx, gy, gz, bx, by, bz, shared_bytes);
    REQUIRE_STREAM(stream);
    if (bx == 0 || by == 0 || bz == 0 || bx > 1024 || by > 1024 || bz > 64 ||
        uint64_t(bx) * by * bz > 1024) {
        return fail(CUDA_ERROR_INVALID_VALUE,
                    "cuLaunchKernel " + shape + ": block shape outside the device's limits (each dimension >= 1, "
                    "x,y <= 1024, z <= 64, at most 1024 threads)");
    }
    if (gx == 0 || gy == 0 || gz == 0 || gx > 2147483647u || gy > 65535 || gz > 65535) {
        return fail(CUDA_ERROR_INVALID_VALUE,
                    "cuLaunchKernel " + shape + ": grid shape outside the device's limits (each dimension >= 1, "
                    "x <= 2^31-1, y,z <= 65535)");
    }
    if (shared_bytes > unsigned(f->max_dynamic_shared)) {
        return fail(CUDA_ERROR_INVALID_VALUE,
                    format("cuLaunchKernel %s: %u bytes of dynamic shared memory exceed the function's limit of %d "
                           "(raise CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, up to %d)",
                           shape.c_str(), shared_bytes, f->max_dynamic_shared, kSharedOptin));
    }
    if (extra != nullptr) {
        return fail(CUDA_ERROR_NOT_SUPPORTED,
                    "cuLaunchKernel " + shape + ": the 'extra' argument is not supported by the emulator; pass "
                    "kernelParams");
    }
    if (params == nullptr && f->kernel->arity > 0) {
        return fail(CUDA_ERROR_INVALID_VALUE,
                    format("cuLaunchKernel %s: kernelParams is null but the kernel takes %d parameters",
                           shape.c_str(), f->kernel->arity));
    }
    LaunchConfig cfg;
    cfg.kernel = f->kernel;
    cfg.grid = uint3{gx, gy, gz};
    cfg.block = uint3{bx, by, bz};
    cfg.shared_bytes = shared_bytes;
    cfg.params = params;
    cfg.seed = launch_seed();
    uint64_t number = ++g_launch_count;
    std::string who = format("%s (launch #%" PRIu64 ", seed 0x%016" PRIx64 "; replay its thread order with "
                             "RCNN4J_EMU_SEED=0x%016" PRIx64 ")",
                             shape.c_str(), number, cfg.seed, cfg.seed);
    {
        std::lock_guard<std::mutex> lock(g_last_mutex);
        g_last_kernel = who;
    }
    if (settings().trace) fprintf(stderr, "rcnn4j cuda-emu: launch %s\n", who.c_str());
    std::string error = run_launch(cfg);
    if (!error.empty()) {
        std::string v = check_guards();  // reported with the failure, so not again later
        if (!v.empty()) error += "; it also wrote out of bounds: " + v;
        return fail(CUDA_ERROR_LAUNCH_FAILED, "kernel " + who + " failed: " + error, true);
    }
    if (settings().check_each_launch) {
        std::string v = check_guards();
        if (!v.empty()) {
            return fail(CUDA_ERROR_ILLEGAL_ADDRESS, "out-of-bounds write by kernel " + who + ": " + v, true);
        }
    }
    return CUDA_SUCCESS;
}

// ---- streams and events: work is synchronous, so they only keep order trivially -----------------------------

CUAPI CUresult cuStreamCreate(CUstream* s, unsigned flags) {
    REQUIRE_CONTEXT();
    REQUIRE_PTR(s);
    auto* st = new CUstream_st{flags, 0, current_context()};
    std::lock_guard<std::mutex> lock(g_mutex);
    g_streams.insert(st);
    *s = st;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuStreamCreateWithPriority(CUstream* s, unsigned flags, int priority) {
    CUresult r = cuStreamCreate(s, flags);
    if (r == CUDA_SUCCESS) (*s)->priority = std::max(-5, std::min(0, priority));
    return r;
}

CUAPI CUresult cuStreamDestroy_v2(CUstream s) {
    REQUIRE_CONTEXT();
    std::lock_guard<std::mutex> lock(g_mutex);
    if (!g_streams.count(s)) return fail(CUDA_ERROR_INVALID_HANDLE, "cuStreamDestroy: unknown stream");
    g_streams.erase(s);
    delete s;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuStreamSynchronize(CUstream s) {
    REQUIRE_CONTEXT();
    REQUIRE_STREAM(s);
    return check_memory("cuStreamSynchronize");
}

CUAPI CUresult cuStreamQuery(CUstream s) {
    REQUIRE_CONTEXT();
    REQUIRE_STREAM(s);
    return CUDA_SUCCESS;
}

CUAPI CUresult cuStreamWaitEvent(CUstream s, CUevent e, unsigned) {
    REQUIRE_CONTEXT();
    REQUIRE_STREAM(s);
    std::lock_guard<std::mutex> lock(g_mutex);
    if (!g_events.count(e)) return fail(CUDA_ERROR_INVALID_HANDLE, "cuStreamWaitEvent: unknown event");
    return CUDA_SUCCESS;
}

CUAPI CUresult cuStreamGetFlags(CUstream s, unsigned* flags) {
    REQUIRE_CONTEXT();
    REQUIRE_PTR(flags);
    REQUIRE_STREAM(s);
    *flags = reinterpret_cast<uintptr_t>(s) <= 2 ? 0 : s->flags;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuStreamGetPriority(CUstream s, int* priority) {
    REQUIRE_CONTEXT();
    REQUIRE_PTR(priority);
    REQUIRE_STREAM(s);
    *priority = reinterpret_cast<uintptr_t>(s) <= 2 ? 0 : s->priority;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuStreamGetCtx(CUstream s, CUcontext* ctx) {
    REQUIRE_CONTEXT();
    REQUIRE_PTR(ctx);
    REQUIRE_STREAM(s);
    *ctx = reinterpret_cast<uintptr_t>(s) <= 2 ? current_context() : s->ctx;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuEventCreate(CUevent* e, unsigned flags) {
    REQUIRE_CONTEXT();
    REQUIRE_PTR(e);
    auto* ev = new CUevent_st{flags, false, {}};
    std::lock_guard<std::mutex> lock(g_mutex);
    g_events.insert(ev);
    *e = ev;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuEventDestroy_v2(CUevent e) {
    REQUIRE_CONTEXT();
    std::lock_guard<std::mutex> lock(g_mutex);
    if (!g_events.count(e)) return fail(CUDA_ERROR_INVALID_HANDLE, "cuEventDestroy: unknown event");
    g_events.erase(e);
    delete e;
    return CUDA_SUCCESS;
}

CUAPI CUresult cuEventRecord(CUevent e, CUstream s) {
    REQUIRE_CONTEXT();
    REQUIRE_STREAM(s);
    std::lock_guard<std::mutex> lock(g_mutex);
    if (!g_events.count(e)) return fail(CUDA_ERROR_INVALID_HANDLE, "cuEventRecord: unknown event");
    e->recorded = true;
    e->time = std::chrono::steady_clock::now();
    return CUDA_SUCCESS;
}

CUAPI CUresult cuEventRecordWithFlags(CUevent e, CUstream s, unsigned) { return cuEventRecord(e, s); }

CUAPI CUresult cuEventSynchronize(CUevent e) {
    REQUIRE_CONTEXT();
    {
        std::lock_guard<std::mutex> lock(g_mutex);
        if (!g_events.count(e)) return fail(CUDA_ERROR_INVALID_HANDLE, "cuEventSynchronize: unknown event");
    }
    return check_memory("cuEventSynchronize");
}

CUAPI CUresult cuEventQuery(CUevent e) {
    REQUIRE_CONTEXT();
    std::lock_guard<std::mutex> lock(g_mutex);
    if (!g_events.count(e)) return fail(CUDA_ERROR_INVALID_HANDLE, "cuEventQuery: unknown event");
    return CUDA_SUCCESS;
}

CUAPI CUresult cuEventElapsedTime(float* ms, CUevent start, CUevent end) {
    REQUIRE_CONTEXT();
    REQUIRE_PTR(ms);
    std::lock_guard<std::mutex> lock(g_mutex);
    if (!g_events.count(start) || !g_events.count(end))
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuEventElapsedTime: unknown event");
    if (!start->recorded || !end->recorded)
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuEventElapsedTime: an event has not been recorded");
    if ((start->flags | end->flags) & 0x2)
        return fail(CUDA_ERROR_INVALID_HANDLE, "cuEventElapsedTime: an event was created with CU_EVENT_DISABLE_TIMING");
    *ms = std::chrono::duration<float, std::milli>(end->time - start->time).count();
    return CUDA_SUCCESS;
}

// ---- errors -------------------------------------------------------------------------------------------------

CUAPI CUresult cuGetErrorName(CUresult e, const char** out) {
    REQUIRE_PTR(out);
    const char* n = error_name(e);
    *out = n;
    return n ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

// For the calling thread's most recent failure, the emulator's detailed message; else the driver's usual text.
CUAPI CUresult cuGetErrorString(CUresult e, const char** out) {
    REQUIRE_PTR(out);
    if (e != CUDA_SUCCESS && e == t_error_code && !t_error_detail.empty()) {
        *out = t_error_detail.c_str();
        return CUDA_SUCCESS;
    }
    const char* s = error_string(e);
    *out = s;
    return s ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

CUAPI CUresult cuProfilerStart() { return CUDA_SUCCESS; }
CUAPI CUresult cuProfilerStop() { return CUDA_SUCCESS; }
