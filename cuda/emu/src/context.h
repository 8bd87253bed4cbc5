// Minimal execution contexts for fibers: an x86-64 assembly switch (callee-saved registers, MXCSR and the x87
// control word) and a ucontext fallback elsewhere.
#pragma once

#include <cstddef>

#if !defined(__x86_64__) || defined(CUEMU_USE_UCONTEXT)
#include <ucontext.h>
#endif

namespace cuemu {

struct Context {
#if defined(__x86_64__) && !defined(CUEMU_USE_UCONTEXT)
    void* sp = nullptr;
#else
    ucontext_t uc;
#endif
};

using ContextEntry = void (*)(void* arg);

// Prepares ctx to run entry(arg) on the stack [stack_lo, stack_lo + size) when first switched to. entry must never
// return (it switches away for the last time instead).
void context_init(Context* ctx, char* stack_lo, size_t size, ContextEntry entry, void* arg);
// Saves the running context into from and resumes to. Between fibers of one worker.
void context_switch(Context* from, Context* to);
// The same, also carrying the floating-point control state: between a worker's own stack and a fiber.
void context_switch_fp(Context* from, Context* to);

}  // namespace cuemu
