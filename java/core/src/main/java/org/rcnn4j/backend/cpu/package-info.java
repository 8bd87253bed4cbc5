/**
 * The CPU backend, the reference implementation of every op: plain Java (the GEMM's micro-kernel uses the Vector
 * API where the JVM has it), multithreaded, with torchvision's arithmetic order where results must agree with it.
 * Internal: a backend comes from {@code Backends.create("cpu")}; exported to the CLI only.
 */
package org.rcnn4j.backend.cpu;
