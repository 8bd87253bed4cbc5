/**
 * rcnn4j's binding of oneDNN's float32 GEMM ({@code dnnl_sgemm}), which the CPU backend may use as an accelerator
 * where libdnnl.so.3 or libdnnl.so.2 is installed. Nothing is added to a user's dependencies: the small JNI library
 * in the bindings jar opens oneDNN with dlopen at run time. For the library's CPU backend only.
 */
package org.rcnn4j.onednn;
