// Included first by every kernel family: the same source builds with nvcc (the fatbin) and with the host C++
// compiler against the CUDA emulator (cuda/emu), which stands in for the device built-ins.
#pragma once

#if defined(__CUDACC__)
// Registration only matters to the emulator, which maps a kernel's name to a host launcher.
#define RCNN4J_REGISTER_KERNEL(fn)
// Dynamic shared memory sized by the launch.
#define RCNN4J_DYNAMIC_SHARED(type, name) extern __shared__ type name[]
#else
#include "cuda_emu.h"
#endif
