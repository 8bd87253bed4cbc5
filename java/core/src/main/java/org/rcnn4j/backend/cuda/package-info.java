/**
 * The CUDA backend: each op checks its arguments, allocates its outputs on the device and launches the kernels of
 * {@code org.rcnn4j.cuda.kernels}; on a machine without a GPU the same code runs on the CUDA emulator ("cuda-emu").
 * Internal: a backend comes from {@code Backends.create("cuda")}; exported to the CLI only.
 */
package org.rcnn4j.backend.cuda;
