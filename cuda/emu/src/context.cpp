#include "context.h"

#include <cstdint>

#if defined(__x86_64__) && !defined(CUEMU_USE_UCONTEXT)

// cuemu_ctx_switch(void** save_sp, void* load_sp): pushes the callee-saved state of the running context on its own
// stack, stores the stack pointer, and pops the other context's state from its stack. A fresh context's stack is
// laid out by context_init so that the final `ret` enters cuemu_ctx_entry, which calls r13(r12). The 8-byte slot
// below the registers holds MXCSR and the x87 control word for cuemu_ctx_switch_fp (and is skipped by the other).
// cuemu_ctx_switch_fp additionally carries MXCSR and the x87 control word (callee-saved in the x86-64 ABI); it is
// used where control crosses between a worker's own stack and a fiber. Between fibers the plain switch suffices:
// kernels cannot change the floating-point environment (device code has no fenv), so every fiber of a worker runs
// under the state its context was created with, and skipping stmxcsr/ldmxcsr halves the cost of a switch.
asm(R"(
    .text
    .globl cuemu_ctx_switch
    .hidden cuemu_ctx_switch
    .type cuemu_ctx_switch, @function
    .p2align 4
cuemu_ctx_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size cuemu_ctx_switch, .-cuemu_ctx_switch

    .globl cuemu_ctx_switch_fp
    .hidden cuemu_ctx_switch_fp
    .type cuemu_ctx_switch_fp, @function
    .p2align 4
cuemu_ctx_switch_fp:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size cuemu_ctx_switch_fp, .-cuemu_ctx_switch_fp

    .globl cuemu_ctx_entry
    .hidden cuemu_ctx_entry
    .type cuemu_ctx_entry, @function
    .p2align 4
cuemu_ctx_entry:
    .cfi_startproc
    .cfi_undefined rip
    movq %r12, %rdi
    callq *%r13
    ud2
    .cfi_endproc
    .size cuemu_ctx_entry, .-cuemu_ctx_entry
)");

extern "C" void cuemu_ctx_switch(void** save_sp, void* load_sp);
extern "C" void cuemu_ctx_switch_fp(void** save_sp, void* load_sp);
extern "C" void cuemu_ctx_entry();

namespace cuemu {

void context_init(Context* ctx, char* stack_lo, size_t size, ContextEntry entry, void* arg) {
    uintptr_t top = (reinterpret_cast<uintptr_t>(stack_lo) + size) & ~uintptr_t(15);
    uint64_t* sp = reinterpret_cast<uint64_t*>(top - 80);
    uint32_t mxcsr;
    uint16_t fcw;
    asm volatile("stmxcsr %0" : "=m"(mxcsr));
    asm volatile("fnstcw %0" : "=m"(fcw));
    sp[0] = uint64_t(mxcsr) | (uint64_t(fcw) << 32);
    sp[1] = 0;                                           // r15
    sp[2] = 0;                                           // r14
    sp[3] = reinterpret_cast<uint64_t>(entry);           // r13
    sp[4] = reinterpret_cast<uint64_t>(arg);             // r12
    sp[5] = 0;                                           // rbx
    sp[6] = 0;                                           // rbp
    sp[7] = reinterpret_cast<uint64_t>(&cuemu_ctx_entry); // return address; leaves rsp 16-aligned for the call
    sp[8] = 0;
    sp[9] = 0;
    ctx->sp = sp;
}

void context_switch(Context* from, Context* to) { cuemu_ctx_switch(&from->sp, to->sp); }
void context_switch_fp(Context* from, Context* to) { cuemu_ctx_switch_fp(&from->sp, to->sp); }

}  // namespace cuemu

#else

namespace cuemu {

namespace {
// makecontext passes int arguments only: split the pointers.
void trampoline(unsigned e_hi, unsigned e_lo, unsigned a_hi, unsigned a_lo) {
    auto entry = reinterpret_cast<ContextEntry>((uintptr_t(e_hi) << 32) | e_lo);
    auto arg = reinterpret_cast<void*>((uintptr_t(a_hi) << 32) | a_lo);
    entry(arg);
}
}  // namespace

void context_init(Context* ctx, char* stack_lo, size_t size, ContextEntry entry, void* arg) {
    getcontext(&ctx->uc);
    ctx->uc.uc_stack.ss_sp = stack_lo;
    ctx->uc.uc_stack.ss_size = size;
    ctx->uc.uc_link = nullptr;
    uintptr_t e = reinterpret_cast<uintptr_t>(entry), a = reinterpret_cast<uintptr_t>(arg);
    makecontext(&ctx->uc, reinterpret_cast<void (*)()>(trampoline), 4, unsigned(e >> 32), unsigned(e),
                unsigned(a >> 32), unsigned(a));
}

void context_switch(Context* from, Context* to) { swapcontext(&from->uc, &to->uc); }
void context_switch_fp(Context* from, Context* to) { swapcontext(&from->uc, &to->uc); }

}  // namespace cuemu

#endif
