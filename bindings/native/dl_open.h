/*
 * What rcnn4j's two JNI bindings (nvidia_libs.c: cuBLAS and cuDNN; onednn_lib.c: oneDNN) share: opening the first
 * of the library names the Java side passes and resolving the symbols a binding calls, with a readable reason when
 * none loads. Compiled into each binding (bindings/native/CMakeLists.txt), hidden from the JVM like the rest.
 */
#ifndef RCNN4J_DL_OPEN_H
#define RCNN4J_DL_OPEN_H

#include <jni.h>
#include <stddef.h>

/* One symbol to resolve into *slot; an optional one may stay NULL. */
typedef struct {
    void** slot;
    const char* name;
    int optional;
} symbol_t;

#define SYM(table, field, name) {(void**)&table.field, name, 0}
#define OPT(table, field, name) {(void**)&table.field, name, 1}

/*
 * Opens the first of candidates (a Java String[] of sonames or paths) that dlopen loads (RTLD_NOW | RTLD_LOCAL:
 * a broken install fails here, and nothing leaks into the JVM's global namespace) and resolves symbols[0..count)
 * from it (dlsym on the handle also searches the library's own dependencies). On success stores the handle in *lib,
 * writes where the library lives into path (its link map's name: the resolved file when it was found by soname; else
 * the name given) and returns NULL. On failure returns why: "already open" when *lib is set, every candidate's
 * dlerror when none loads, or the first required symbol the first loadable one lacks (its slots are then NULL).
 */
jstring rcnn4j_open_first(JNIEnv* env, jobjectArray candidates, symbol_t* symbols, size_t count, void** lib,
                          char* path, size_t path_size);

#endif
