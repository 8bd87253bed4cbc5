// Device memory is host memory. Each allocation sits between two guard bands filled with a known pattern; a kernel
// that writes past either end of its buffer changes the pattern, which check_guards() finds (after each launch, at
// synchronize calls and at free). New device allocations are filled with 0xFF bytes (NaN as float, -1 as integer)
// unless RCNN4J_EMU_POISON=0, so that reading memory nobody wrote shows instead of finding convenient zeros.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>

#include "runtime.h"

namespace cuemu {

namespace {

constexpr size_t kGuard = 256;  // also the alignment of every allocation, as cuMemAlloc's

struct Alloc {
    uint64_t id;
    char* block;
    size_t block_size;
    size_t size;
    bool host;
};

std::mutex mu;
std::map<uintptr_t, Alloc> allocs;  // by user address
uint64_t next_id = 1;
size_t live_bytes = 0;

inline unsigned char guard_byte(size_t i) { return static_cast<unsigned char>(0xA5u ^ ((i * 0x3Bu) & 0xFFu)); }

char* user_of(const Alloc& a) { return a.block + kGuard; }

void fill_guards(const Alloc& a) {
    char* u = user_of(a);
    for (size_t i = 0; i < kGuard; ++i) a.block[i] = static_cast<char>(guard_byte(i));
    size_t tail = a.block_size - kGuard - a.size;
    for (size_t i = 0; i < tail; ++i) u[a.size + i] = static_cast<char>(guard_byte(i + 7));
}

std::string describe(const Alloc& a) {
    char buf[160];
    snprintf(buf, sizeof buf, "%s allocation #%llu (%zu bytes at 0x%llx)", a.host ? "pinned host" : "device",
             static_cast<unsigned long long>(a.id), a.size,
             static_cast<unsigned long long>(reinterpret_cast<uintptr_t>(user_of(a))));
    return buf;
}

// Describes (and repairs, so each overwrite is reported once) damage to a's guard bands.
std::string check_one(const Alloc& a) {
    std::string out;
    char* u = user_of(a);
    long first = -1, last = -1, count = 0;
    for (size_t i = 0; i < kGuard; ++i) {
        if (static_cast<unsigned char>(a.block[i]) != guard_byte(i)) {
            long off = static_cast<long>(kGuard - i);  // bytes before the start
            if (first < 0) first = off;
            last = off;
            ++count;
        }
    }
    char buf[256];
    if (count) {
        snprintf(buf, sizeof buf, "%ld byte(s) before the start of %s were overwritten (from %ld to %ld bytes "
                 "before it)", count, describe(a).c_str(), first, last);
        out += buf;
    }
    first = last = -1;
    count = 0;
    size_t tail = a.block_size - kGuard - a.size;
    for (size_t i = 0; i < tail; ++i) {
        if (static_cast<unsigned char>(u[a.size + i]) != guard_byte(i + 7)) {
            if (first < 0) first = static_cast<long>(i);
            last = static_cast<long>(i);
            ++count;
        }
    }
    if (count) {
        if (!out.empty()) out += "; ";
        snprintf(buf, sizeof buf, "%ld byte(s) past the end of %s were overwritten (bytes +%ld to +%ld past the "
                 "end, i.e. offsets %zu to %zu)", count, describe(a).c_str(), first, last,
                 a.size + static_cast<size_t>(first), a.size + static_cast<size_t>(last));
        out += buf;
    }
    if (!out.empty()) fill_guards(a);
    return out;
}

const Alloc* containing(uintptr_t p) {
    auto it = allocs.upper_bound(p);
    if (it == allocs.begin()) return nullptr;
    --it;
    const Alloc& a = it->second;
    uintptr_t u = reinterpret_cast<uintptr_t>(user_of(a));
    return (p >= u && p < u + a.size) ? &a : nullptr;
}

}  // namespace

static bool poison_new_memory() {
    static const bool on = [] {
        const char* v = getenv("RCNN4J_EMU_POISON");
        return v == nullptr || *v == 0 || !(strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "off") == 0);
    }();
    return on;
}

void* device_alloc(size_t bytes, bool host_pinned) {
    size_t body = (bytes + kGuard - 1) / kGuard * kGuard;
    Alloc a;
    a.size = bytes;
    a.block_size = kGuard + body + kGuard;
    a.host = host_pinned;
    void* block = nullptr;
    if (posix_memalign(&block, kGuard, a.block_size) != 0) return nullptr;
    a.block = static_cast<char*>(block);
    fill_guards(a);
    if (!host_pinned && poison_new_memory()) std::memset(user_of(a), 0xFF, bytes);
    std::lock_guard<std::mutex> lock(mu);
    a.id = next_id++;
    live_bytes += bytes;
    allocs.emplace(reinterpret_cast<uintptr_t>(user_of(a)), a);
    return user_of(a);
}

bool device_free(void* p, bool host_pinned, std::string* guard_violation) {
    Alloc a;
    {
        std::lock_guard<std::mutex> lock(mu);
        auto it = allocs.find(reinterpret_cast<uintptr_t>(p));
        if (it == allocs.end() || it->second.host != host_pinned) return false;
        a = it->second;
        allocs.erase(it);
        live_bytes -= a.size;
    }
    *guard_violation = check_one(a);
    free(a.block);
    return true;
}

bool range_is_allocated(const void* p, size_t bytes) {
    std::lock_guard<std::mutex> lock(mu);
    uintptr_t s = reinterpret_cast<uintptr_t>(p);
    const Alloc* a = containing(s);
    if (a == nullptr) return false;
    return s + bytes <= reinterpret_cast<uintptr_t>(user_of(*a)) + a->size;
}

std::string describe_range(const void* p, size_t bytes) {
    std::lock_guard<std::mutex> lock(mu);
    uintptr_t s = reinterpret_cast<uintptr_t>(p);
    char buf[320];
    const Alloc* a = containing(s);
    if (a == nullptr) {
        snprintf(buf, sizeof buf, "[0x%llx, +%zu) does not start inside any live allocation",
                 static_cast<unsigned long long>(s), bytes);
    } else {
        uintptr_t u = reinterpret_cast<uintptr_t>(user_of(*a));
        snprintf(buf, sizeof buf, "[0x%llx, +%zu) runs past the end of %s (offset %llu + %zu bytes > %zu)",
                 static_cast<unsigned long long>(s), bytes, describe(*a).c_str(),
                 static_cast<unsigned long long>(s - u), bytes, a->size);
    }
    return buf;
}

bool allocation_is_host(const void* p, bool* host) {
    std::lock_guard<std::mutex> lock(mu);
    const Alloc* a = containing(reinterpret_cast<uintptr_t>(p));
    if (a == nullptr) return false;
    *host = a->host;
    return true;
}

bool allocation_range(const void* p, uintptr_t* base, size_t* size) {
    std::lock_guard<std::mutex> lock(mu);
    const Alloc* a = containing(reinterpret_cast<uintptr_t>(p));
    if (a == nullptr) return false;
    *base = reinterpret_cast<uintptr_t>(user_of(*a));
    *size = a->size;
    return true;
}

std::string check_guards() {
    std::lock_guard<std::mutex> lock(mu);
    std::string out;
    for (auto& kv : allocs) {
        std::string v = check_one(kv.second);
        if (v.empty()) continue;
        if (!out.empty()) out += "; ";
        out += v;
    }
    return out;
}

size_t allocated_bytes() {
    std::lock_guard<std::mutex> lock(mu);
    return live_bytes;
}

}  // namespace cuemu
