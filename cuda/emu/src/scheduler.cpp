// Runs a launch: blocks in parallel on a persistent worker pool; within a block, the CUDA threads as fibers on one
// OS thread. A thread runs until it blocks (__syncthreads, a warp intrinsic) or finishes; between scheduling points
// the runnable threads go in a fresh pseudo-random order (per launch seed, block and round), so code that depends
// on an order a barrier does not enforce gives different results from launch to launch.
//
// A fiber whose thread finishes runs the next not-yet-started thread itself, so a kernel without barriers costs one
// context switch per block, not per thread. The functions called from kernels (block_barrier, warp_op) live in this
// file, out of the kernels' translation units: the compiler must assume they change any memory.
#include <sys/mman.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "context.h"
#include "format.h"
#include "runtime.h"

namespace cuemu {

namespace {

constexpr int kMaxThreads = 1024;

size_t env_size(const char* name, size_t fallback) {
    const char* v = getenv(name);
    if (v == nullptr || *v == 0) return fallback;
    char* end = nullptr;
    unsigned long long x = strtoull(v, &end, 10);
    return (end != v && x > 0) ? size_t(x) : fallback;
}

size_t page_size() {
    static const size_t p = size_t(sysconf(_SC_PAGESIZE));
    return p;
}

struct Fiber {
    Context ctx;
    char* map = nullptr;  // kFiberStackBytes, aligned to that size: guard page, stack, FiberHeader
    char* stack_lo = nullptr;
    size_t stack_bytes = 0;
    FiberHeader* header = nullptr;
};

Fiber* new_fiber(void* worker, const BlockBuiltins* block) {
    const size_t s = kFiberStackBytes, p = page_size();
    void* m = mmap(nullptr, 2 * s, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) {
        fprintf(stderr, "rcnn4j cuda-emu: cannot map a %zu-byte fiber stack\n", s);
        abort();
    }
    // Keep the size-aligned half, so that fiber_header() finds the header by masking the stack pointer.
    uintptr_t lo = reinterpret_cast<uintptr_t>(m), a = (lo + s - 1) & ~(s - 1), hi = lo + 2 * s;
    if (a > lo) munmap(m, a - lo);
    if (hi > a + s) munmap(reinterpret_cast<void*>(a + s), hi - (a + s));
    mprotect(reinterpret_cast<void*>(a), p, PROT_NONE);  // an overflowing stack faults instead of corrupting
    auto* f = new Fiber;
    f->map = reinterpret_cast<char*>(a);
    f->stack_lo = f->map + p;
    f->header = fiber_header_of(a);
    f->stack_bytes = size_t(reinterpret_cast<char*>(f->header) - f->stack_lo) - 64;
    f->header->block = block;
    f->header->worker = worker;
    f->header->thread = -1;
    return f;
}

enum ThreadState : uint8_t { T_UNSTARTED, T_RUNNABLE, T_WAIT_BLOCK, T_WAIT_WARP, T_DONE };

struct Lane {
    int op;
    unsigned mask;
    int arg;
    int width;
    unsigned long long value;
    unsigned long long result;
};

struct WarpState {
    unsigned waiting;  // lanes parked in a warp intrinsic
    unsigned exists;   // lanes that are threads of the block
    Lane lane[32];
};

const char* warp_op_name(int op) {
    switch (op) {
        case WARP_SYNC: return "__syncwarp";
        case WARP_SHFL: return "__shfl_sync";
        case WARP_SHFL_UP: return "__shfl_up_sync";
        case WARP_SHFL_DOWN: return "__shfl_down_sync";
        case WARP_SHFL_XOR: return "__shfl_xor_sync";
        case WARP_BALLOT: return "__ballot_sync";
        case WARP_ANY: return "__any_sync";
        case WARP_ALL: return "__all_sync";
        case WARP_REDUCE_ADD: return "__reduce_add_sync";
        case WARP_REDUCE_MIN: case WARP_REDUCE_MIN_SIGNED: return "__reduce_min_sync";
        case WARP_REDUCE_MAX: case WARP_REDUCE_MAX_SIGNED: return "__reduce_max_sync";
        case WARP_REDUCE_AND: return "__reduce_and_sync";
        case WARP_REDUCE_OR: return "__reduce_or_sync";
        case WARP_REDUCE_XOR: return "__reduce_xor_sync";
    }
    return "warp intrinsic";
}

uint64_t mix64(uint64_t z) {
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

struct Worker {
    // launch-wide
    const LaunchConfig* cfg = nullptr;
    int nthreads = 0;
    uint3 tid_shape{0, 0, 0};
    std::vector<uint3> tid;
    void* dyn = nullptr;
    size_t dyn_cap = 0;
    BlockBuiltins builtins{};

    // fibers
    std::vector<Fiber*> fibers;
    std::vector<Fiber*> free_fibers;
    Context main_ctx;

    // the running block
    uint64_t block_linear = 0;
    uint8_t state[kMaxThreads];
    Fiber* fiber_of[kMaxThreads];
    WarpState warp[kMaxThreads / 32];
    std::vector<int> queue, next;
    size_t qpos = 0;
    int done = 0;
    int waiting_block = 0;
    int sync_acc = 0;
    int sync_count = 0;
    int sync_arrivals = 0;
    int start_tid = -1;
    uint64_t rng = 0;
    std::string error;

    ~Worker() {
        for (Fiber* f : fibers) {
            munmap(f->map, kFiberStackBytes);
            delete f;
        }
        free(dyn);
    }

    uint32_t below(uint32_t n) {
        rng = rng * 6364136223846793005ull + 1442695040888963407ull;
        return uint32_t(((rng >> 32) * uint64_t(n)) >> 32);
    }
    void shuffle(std::vector<int>& v) {
        for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(uint32_t(i))]);
    }
    Fiber* acquire_fiber() {
        if (!free_fibers.empty()) {
            Fiber* f = free_fibers.back();
            free_fibers.pop_back();
            return f;
        }
        Fiber* f = new_fiber(this, &builtins);
        fibers.push_back(f);
        return f;
    }
    std::string thread_name(int t) const {
        const uint3& i = tid[t];
        return format("thread (%u,%u,%u)", i.x, i.y, i.z);
    }
};

Worker& this_worker() {
    static thread_local std::unique_ptr<Worker> w;
    if (!w) w.reset(new Worker);
    return *w;
}

void bind_thread(Worker& w, Fiber* f, int t) {
    w.fiber_of[t] = f;
    f->header->thread = t;
    f->header->thread_idx = w.tid[size_t(t)];
}

void fiber_main(void* arg);

// The next thread to run, opening a new round when the current one is exhausted (woken warp lanes first, else a
// completed __syncthreads). -1: the block finished, or failed with w.error set.
int pick_next(Worker& w) {
    for (;;) {
        if (!w.error.empty()) return -1;
        if (w.qpos < w.queue.size()) return w.queue[w.qpos++];
        if (!w.next.empty()) {
            w.queue.swap(w.next);
            w.next.clear();
            w.shuffle(w.queue);
            w.qpos = 0;
            continue;
        }
        int live = w.nthreads - w.done;
        if (live == 0) return -1;
        if (w.waiting_block == live) {
            if (w.done > 0) {
                w.error = format("divergent __syncthreads(): %d of the block's %d threads wait at a barrier that "
                                 "the other %d exited without reaching (a barrier in code that not all threads "
                                 "execute, e.g. after an early return)", live, w.nthreads, w.done);
                return -1;
            }
            w.sync_count = w.sync_acc;
            w.sync_arrivals = w.waiting_block;
            w.sync_acc = 0;
            w.waiting_block = 0;
            w.queue.clear();
            for (int t = 0; t < w.nthreads; ++t) {
                if (w.state[t] == T_WAIT_BLOCK) {
                    w.state[t] = T_RUNNABLE;
                    w.queue.push_back(t);
                }
            }
            w.shuffle(w.queue);
            w.qpos = 0;
            continue;
        }
        // Nothing can run: describe who waits for what.
        std::string why = format("deadlock: no thread of the block can proceed (%d threads wait at __syncthreads, "
                                 "%d exited", w.waiting_block, w.done);
        for (int wi = 0; wi * 32 < w.nthreads; ++wi) {
            const WarpState& ws = w.warp[wi];
            if (ws.waiting == 0) continue;
            int l = __builtin_ctz(ws.waiting);
            const Lane& lane = ws.lane[l];
            unsigned missing = lane.mask & ~ws.waiting;
            why += format("; warp %d: lanes 0x%08x wait in %s(mask 0x%08x) for lanes 0x%08x", wi, ws.waiting,
                          warp_op_name(lane.op), lane.mask, missing);
            int m = missing ? __builtin_ctz(missing) : -1;
            if (m >= 0) {
                int t = wi * 32 + m;
                const char* st = w.state[t] == T_DONE ? "exited" : w.state[t] == T_WAIT_BLOCK ? "waits at __syncthreads"
                                                                                             : "waits in another warp intrinsic";
                why += format(" (lane %d %s)", m, st);
            }
        }
        why += ")";
        w.error = why;
        return -1;
    }
}

// Leaves the running context (self, a fiber or the worker's main context) for thread t, or for the worker's main
// context when t < 0. Returns when self is resumed (never, for a fiber whose thread finished or failed).
void transfer(Worker& w, Context* self, int t) {
    if (t < 0) {
        context_switch_fp(self, &w.main_ctx);
        return;
    }
    Context* to;
    if (w.state[t] == T_UNSTARTED) {
        Fiber* f = w.acquire_fiber();
        bind_thread(w, f, t);
        w.start_tid = t;
        context_init(&f->ctx, f->stack_lo, f->stack_bytes, fiber_main, &w);
        to = &f->ctx;
    } else {
        to = &w.fiber_of[t]->ctx;
        if (to == self) return;
    }
    if (self == &w.main_ctx) {
        context_switch_fp(self, to);
    } else {
        context_switch(self, to);
    }
}

void fiber_main(void* arg) {
    Worker& w = *static_cast<Worker*>(arg);
    int t = w.start_tid;
    Fiber* self = w.fiber_of[t];
    const KernelInfo* k = w.cfg->kernel;
    void** params = w.cfg->params;
    for (;;) {
        w.state[t] = T_RUNNABLE;
        k->thunk(params);
        w.state[t] = T_DONE;
        w.fiber_of[t] = nullptr;
        ++w.done;
        int nx = pick_next(w);
        if (nx >= 0 && w.state[nx] == T_UNSTARTED) {
            bind_thread(w, self, nx);
            t = nx;
            continue;
        }
        w.free_fibers.push_back(self);
        transfer(w, &self->ctx, nx);
        __builtin_trap();  // a finished fiber is only ever re-entered through context_init
    }
}

// Ends the block from inside one of its threads: record the error, drop back to the worker's main context.
[[noreturn]] void fail_thread(Worker& w, int t, std::string why) {
    if (w.error.empty()) w.error = w.thread_name(t) + ": " + why;
    context_switch_fp(&w.fiber_of[t]->ctx, &w.main_ctx);
    __builtin_trap();
}

// Parks the calling thread (already marked as waiting) and runs others until it is made runnable again.
void park(Worker& w, int t) {
    transfer(w, &w.fiber_of[t]->ctx, pick_next(w));
}

unsigned long long lane_value(const WarpState& ws, unsigned mask, int src) {
    // Reading a lane that does not take part is undefined on the GPU: hand back all-ones (NaN as a float).
    if (src < 0 || src > 31 || !((mask >> src) & 1u)) return ~0ull;
    return ws.lane[src].value;
}

void complete_warp_op(WarpState& ws, unsigned mask) {
    unsigned ballot = 0;
    for (unsigned m = mask; m; m &= m - 1) {
        int l = __builtin_ctz(m);
        if (ws.lane[l].value != 0) ballot |= 1u << l;
    }
    for (unsigned m = mask; m; m &= m - 1) {
        int l = __builtin_ctz(m);
        Lane& L = ws.lane[l];
        unsigned width = unsigned(L.width);
        unsigned base = unsigned(l) & ~(width - 1);
        unsigned pos = unsigned(l) & (width - 1);
        unsigned arg = unsigned(L.arg);
        switch (L.op) {
            case WARP_SYNC: L.result = 0; break;
            case WARP_SHFL: L.result = lane_value(ws, mask, int(base + (arg & (width - 1)))); break;
            case WARP_SHFL_UP: L.result = lane_value(ws, mask, pos >= arg ? l - int(arg) : l); break;
            case WARP_SHFL_DOWN: L.result = lane_value(ws, mask, pos + arg < width ? l + int(arg) : l); break;
            case WARP_SHFL_XOR: {
                unsigned src = unsigned(l) ^ arg;
                L.result = lane_value(ws, mask, src >= base + width ? l : int(src));
                break;
            }
            case WARP_BALLOT: L.result = ballot; break;
            case WARP_ANY: L.result = ballot != 0; break;
            case WARP_ALL: L.result = ballot == mask; break;
            default: {
                unsigned acc = 0;
                bool first = true;
                for (unsigned mm = mask; mm; mm &= mm - 1) {
                    unsigned v = unsigned(ws.lane[__builtin_ctz(mm)].value);
                    if (first) { acc = v; first = false; continue; }
                    switch (L.op) {
                        case WARP_REDUCE_ADD: acc += v; break;
                        case WARP_REDUCE_MIN: acc = std::min(acc, v); break;
                        case WARP_REDUCE_MAX: acc = std::max(acc, v); break;
                        case WARP_REDUCE_MIN_SIGNED: acc = unsigned(std::min(int(acc), int(v))); break;
                        case WARP_REDUCE_MAX_SIGNED: acc = unsigned(std::max(int(acc), int(v))); break;
                        case WARP_REDUCE_AND: acc &= v; break;
                        case WARP_REDUCE_OR: acc |= v; break;
                        case WARP_REDUCE_XOR: acc ^= v; break;
                    }
                }
                L.result = acc;
            }
        }
    }
}

// Runs one block to completion on this worker. Returns "" or a description of the failure.
std::string run_block(Worker& w, uint64_t linear) {
    const LaunchConfig& cfg = *w.cfg;
    uint64_t gx = cfg.grid.x, gy = cfg.grid.y;
    const uint3 b{unsigned(linear % gx), unsigned((linear / gx) % gy), unsigned(linear / (gx * gy))};
    w.builtins.block_idx = b;
    w.block_linear = linear;
    w.rng = mix64(cfg.seed ^ mix64(linear + 1));
    int n = w.nthreads;
    std::memset(w.state, T_UNSTARTED, size_t(n));
    for (int wi = 0; wi * 32 < n; ++wi) {
        int lanes = std::min(32, n - wi * 32);
        w.warp[wi].waiting = 0;
        w.warp[wi].exists = lanes == 32 ? 0xffffffffu : ((1u << lanes) - 1);
    }
    w.queue.resize(size_t(n));
    for (int t = 0; t < n; ++t) w.queue[size_t(t)] = t;
    w.shuffle(w.queue);
    w.qpos = 0;
    w.next.clear();
    w.done = w.waiting_block = w.sync_acc = 0;
    w.error.clear();
    if (cfg.shared_bytes) std::memset(w.dyn, 0xFF, cfg.shared_bytes);

    transfer(w, &w.main_ctx, pick_next(w));
    if (w.error.empty()) return "";
    w.free_fibers = w.fibers;  // the failed block's parked fibers are abandoned
    return format("block (%u,%u,%u): ", b.x, b.y, b.z) + w.error;
}

void prepare_worker(Worker& w, const LaunchConfig& cfg) {
    w.cfg = &cfg;
    w.nthreads = int(cfg.block.x * cfg.block.y * cfg.block.z);
    if (w.tid_shape.x != cfg.block.x || w.tid_shape.y != cfg.block.y || w.tid_shape.z != cfg.block.z) {
        w.tid.resize(size_t(w.nthreads));
        for (int t = 0; t < w.nthreads; ++t) {
            unsigned u = unsigned(t);
            w.tid[size_t(t)] = uint3{u % cfg.block.x, (u / cfg.block.x) % cfg.block.y, u / (cfg.block.x * cfg.block.y)};
        }
        w.tid_shape = cfg.block;
    }
    size_t need = std::max<size_t>(cfg.shared_bytes, 16);
    if (need > w.dyn_cap) {
        free(w.dyn);
        size_t cap = (need + 4095) / 4096 * 4096;
        if (posix_memalign(&w.dyn, 128, cap) != 0) abort();
        w.dyn_cap = cap;
    }
    w.builtins.dynamic_shared = cfg.shared_bytes ? w.dyn : nullptr;
    w.builtins.block_dim = cfg.block;
    w.builtins.grid_dim = cfg.grid;
}

// ---- the worker pool --------------------------------------------------------------------------------------

struct Job {
    const LaunchConfig* cfg;
    uint64_t total;
    std::atomic<uint64_t> next_block{0};
    std::atomic<bool> failed{false};
    std::mutex error_mutex;
    std::string error;
};

void work(Job& job) {
    Worker& w = this_worker();
    prepare_worker(w, *job.cfg);
    for (;;) {
        if (job.failed.load(std::memory_order_relaxed)) break;
        uint64_t b = job.next_block.fetch_add(1, std::memory_order_relaxed);
        if (b >= job.total) break;
        std::string err = run_block(w, b);
        if (!err.empty()) {
            std::lock_guard<std::mutex> lock(job.error_mutex);
            if (job.error.empty()) job.error = err;
            job.failed.store(true);
        }
    }
}

class Pool {
public:
    explicit Pool(int participants) : participants_(participants) {
        sigset_t all, old;
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, &old);  // the JVM's signals go to its own threads
        for (int i = 1; i < participants_; ++i) std::thread([this, i] { loop(i); }).detach();
        pthread_sigmask(SIG_SETMASK, &old, nullptr);
    }

    int participants() const { return participants_; }

    void run(Job& job, int helpers) {
        {
            std::lock_guard<std::mutex> lock(m_);
            job_ = &job;
            helpers_ = helpers;
            pending_ = helpers;
            ++generation_;
        }
        cv_.notify_all();
        work(job);
        std::unique_lock<std::mutex> lock(m_);
        done_cv_.wait(lock, [this] { return pending_ == 0; });
        job_ = nullptr;
    }

private:
    void loop(int index) {
        uint64_t seen = 0;
        for (;;) {
            Job* job;
            {
                std::unique_lock<std::mutex> lock(m_);
                cv_.wait(lock, [&] { return generation_ != seen; });
                seen = generation_;
                if (index > helpers_) continue;
                job = job_;
            }
            work(*job);
            std::lock_guard<std::mutex> lock(m_);
            if (--pending_ == 0) done_cv_.notify_all();
        }
    }

    int participants_;
    std::mutex m_;
    std::condition_variable cv_, done_cv_;
    uint64_t generation_ = 0;
    Job* job_ = nullptr;
    int helpers_ = 0;
    int pending_ = 0;
};

Pool& pool() {
    static Pool* p = new Pool(worker_count());  // never destroyed: its threads live as long as the process
    return *p;
}

}  // namespace

int worker_count() {
    static const int n = [] {
        unsigned hw = std::thread::hardware_concurrency();
        size_t def = std::min<size_t>(hw == 0 ? 1 : hw, 16);
        return int(std::min<size_t>(env_size("RCNN4J_EMU_THREADS", def), 256));
    }();
    return n;
}

std::string run_launch(const LaunchConfig& cfg) {
    static std::mutex launch_mutex;  // one launch at a time: the pool and the workers' state are shared
    std::lock_guard<std::mutex> lock(launch_mutex);
    Job job;
    job.cfg = &cfg;
    job.total = uint64_t(cfg.grid.x) * cfg.grid.y * cfg.grid.z;
    Pool& p = pool();
    uint64_t helpers = std::min<uint64_t>(uint64_t(p.participants() - 1), job.total - 1);
    if (helpers == 0) {
        work(job);
    } else {
        p.run(job, int(helpers));
    }
    return job.error;
}

// ---- scheduling points called from kernels ------------------------------------------------------------------

int block_barrier(int kind, int predicate) {
    FiberHeader* h = fiber_header();
    Worker& w = *static_cast<Worker*>(h->worker);
    int t = h->thread;
    w.state[t] = T_WAIT_BLOCK;
    ++w.waiting_block;
    w.sync_acc += predicate != 0;
    park(w, t);
    switch (kind) {
        case 1: return w.sync_count;
        case 2: return w.sync_count == w.sync_arrivals;
        case 3: return w.sync_count != 0;
        default: return 0;
    }
}

unsigned long long warp_op(int op, unsigned mask, unsigned long long value, int arg, int width) {
    FiberHeader* h = fiber_header();
    Worker& w = *static_cast<Worker*>(h->worker);
    int t = h->thread;
    int lane = t & 31;
    int base = t & ~31;
    WarpState& ws = w.warp[t >> 5];
    const char* name = warp_op_name(op);
    if (!((mask >> lane) & 1u)) {
        fail_thread(w, t, format("%s(mask 0x%08x) called by lane %d, which the mask does not include", name, mask, lane));
    }
    if (mask & ~ws.exists) {
        fail_thread(w, t, format("%s(mask 0x%08x) names lanes 0x%08x that are not threads of this block "
                              "(the block has %d threads)", name, mask, mask & ~ws.exists, w.nthreads));
    }
    if (width < 1 || width > 32 || (width & (width - 1)) != 0) {
        fail_thread(w, t, format("%s: width %d is not a power of two in [1, 32]", name, width));
    }
    for (unsigned m = mask; m; m &= m - 1) {
        int l = __builtin_ctz(m);
        if (w.state[base + l] == T_DONE) {
            fail_thread(w, t, format("%s(mask 0x%08x): lane %d named in the mask has already exited", name, mask, l));
        }
    }
    Lane& me = ws.lane[lane];
    me.op = op;
    me.mask = mask;
    me.arg = arg;
    me.width = width;
    me.value = value;
    ws.waiting |= 1u << lane;
    if ((ws.waiting & mask) != mask) {
        w.state[t] = T_WAIT_WARP;
        park(w, t);
        return ws.lane[lane].result;
    }
    for (unsigned m = mask; m; m &= m - 1) {
        const Lane& other = ws.lane[__builtin_ctz(m)];
        if (other.mask != mask || other.op != op) {
            fail_thread(w, t, format("lanes of warp %d disagree: lane %d called %s(mask 0x%08x) while lane %d waits in "
                                  "%s(mask 0x%08x)", t >> 5, lane, name, mask, __builtin_ctz(m),
                                  warp_op_name(other.op), other.mask));
        }
    }
    complete_warp_op(ws, mask);
    ws.waiting &= ~mask;
    for (unsigned m = mask & ~(1u << lane); m; m &= m - 1) {
        int o = base + __builtin_ctz(m);
        w.state[o] = T_RUNNABLE;
        w.next.push_back(o);
    }
    return me.result;
}

void trap(const char* why) {
    FiberHeader* h = fiber_header();
    fail_thread(*static_cast<Worker*>(h->worker), h->thread, why);
}

unsigned active_mask() {
    FiberHeader* h = fiber_header();
    const Worker& w = *static_cast<const Worker*>(h->worker);
    int base = h->thread & ~31;
    const WarpState& ws = w.warp[h->thread >> 5];
    unsigned m = 0;
    for (unsigned e = ws.exists; e; e &= e - 1) {
        int l = __builtin_ctz(e);
        if (w.state[base + l] != T_DONE) m |= 1u << l;
    }
    return m;
}

}  // namespace cuemu

// ---- for debuggers: call these from gdb while stopped inside a kernel ------------------------------------------
// e.g.  break rcnn4j_roi_align_forward_f32 if cuemu_debug_thread() == 37 && cuemu_debug_block() == 2

extern "C" __attribute__((used, noinline, visibility("hidden"))) long long cuemu_debug_thread() {
    return cuemu::fiber_header()->thread;
}

extern "C" __attribute__((used, noinline, visibility("hidden"))) long long cuemu_debug_block() {
    const uint3 b = cuemu::fiber_header()->block->block_idx;
    const uint3 g = cuemu::fiber_header()->block->grid_dim;
    return (long long)b.x + (long long)g.x * ((long long)b.y + (long long)g.y * b.z);
}

extern "C" __attribute__((used, noinline, visibility("hidden"))) void cuemu_debug_where() {
    const cuemu::FiberHeader* h = cuemu::fiber_header();
    fprintf(stderr, "block (%u,%u,%u) thread (%u,%u,%u)\n", h->block->block_idx.x, h->block->block_idx.y,
            h->block->block_idx.z, h->thread_idx.x, h->thread_idx.y, h->thread_idx.z);
}
