/**
 * One wrapper per kernel file of {@code cuda/}: each checks its arguments' sizes, computes the launch grid and
 * launches the kernel on a device's stream. Exported to the library only (its CUDA backend); a user runs kernels
 * through {@code org.rcnn4j.backend.Backend}.
 */
package org.rcnn4j.cuda.kernels;
