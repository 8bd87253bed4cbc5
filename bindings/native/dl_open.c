/* See dl_open.h. */
#define _GNU_SOURCE /* dlinfo, RTLD_DI_LINKMAP */
#include "dl_open.h"

#include <dlfcn.h>
#include <link.h>
#include <stdio.h>

/* Where a loaded library lives (its link map's name), or the name it was opened by. */
static void library_path(void* lib, const char* name, char* out, size_t n) {
    struct link_map* map = NULL;
    if (dlinfo(lib, RTLD_DI_LINKMAP, &map) == 0 && map != NULL && map->l_name != NULL && map->l_name[0]) {
        snprintf(out, n, "%s", map->l_name);
    } else {
        snprintf(out, n, "%s", name);
    }
}

jstring rcnn4j_open_first(JNIEnv* env, jobjectArray candidates, symbol_t* symbols, size_t count, void** lib,
                          char* path, size_t path_size) {
    char why[4096];
    size_t used = 0;
    why[0] = 0;
    if (*lib != NULL) {
        return (*env)->NewStringUTF(env, "already open");
    }
    jsize n = (*env)->GetArrayLength(env, candidates);
    for (jsize i = 0; i < n; i++) {
        jstring js = (jstring)(*env)->GetObjectArrayElement(env, candidates, i);
        const char* name = (*env)->GetStringUTFChars(env, js, NULL);
        void* handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
        if (handle == NULL) {
            const char* e = dlerror();
            used += (size_t)snprintf(why + used, used < sizeof why ? sizeof why - used : 0, "%s%s",
                                     used ? "; " : "", e ? e : name);
            (*env)->ReleaseStringUTFChars(env, js, name);
            continue;
        }
        library_path(handle, name, path, path_size);
        for (size_t s = 0; s < count; s++) {
            void* f = dlsym(handle, symbols[s].name);
            if (f == NULL && !symbols[s].optional) {
                snprintf(why, sizeof why, "%s (%s) does not export %s", name, path, symbols[s].name);
                for (size_t r = 0; r < count; r++) *symbols[r].slot = NULL;
                dlclose(handle);
                (*env)->ReleaseStringUTFChars(env, js, name);
                return (*env)->NewStringUTF(env, why);
            }
            *symbols[s].slot = f;
        }
        (*env)->ReleaseStringUTFChars(env, js, name);
        *lib = handle;
        return NULL;
    }
    return (*env)->NewStringUTF(env, why[0] ? why : "no candidate names given");
}
