/**
 * JMH benchmarks of the CPU kernels at detector sizes (NMS, box ops, RoI ops, conv2d, paste masks), on inputs made
 * by {@link org.rcnn4j.bench.BenchData}.
 */
package org.rcnn4j.bench;
