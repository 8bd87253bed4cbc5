/**
 * CUDA through JCuda's driver API: {@link org.rcnn4j.cuda.CudaDevice} (a context, its stream and a caching
 * allocator), device buffers that are freed when closed, checked kernel launches, and the loading of the fatbin and
 * of the CUDA emulator ({@link org.rcnn4j.cuda.EmulatorLibrary}), which runs the same kernels on the CPU where
 * there is no GPU. The library's CUDA backend is built on it; {@link org.rcnn4j.cuda.DeviceBuffer#wrap} puts memory
 * that someone else allocated under a tensor.
 */
package org.rcnn4j.cuda;
