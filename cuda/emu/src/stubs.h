/* Included by the generated driver_stubs.c: a weak stand-in for every cu* symbol libJCudaDriver imports. The
 * implemented functions (driver.cpp) are strong definitions and win at link time; the rest report
 * CUDA_ERROR_NOT_SUPPORTED. The arguments are ignored, which the x86-64 and AArch64 calling conventions allow. */
#pragma once

__attribute__((visibility("hidden"))) int cuemu_unsupported(const char* name);

#define CUEMU_STUB(name) \
    __attribute__((weak, visibility("default"))) int name(void) { return cuemu_unsupported(#name); }
