/* ctest: loads the emulator like a driver client (dlopen, driver API only) and runs saxpy and a reduction. */
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef int (*fn_i)();
static void* lib;
static fn_i get(const char* name) {
    fn_i f = (fn_i)dlsym(lib, name);
    if (!f) { fprintf(stderr, "missing %s\n", name); exit(1); }
    return f;
}
#define CHECK(call) do { int rc_ = (call); if (rc_ != 0) { fprintf(stderr, "%s -> %d\n", #call, rc_); return 1; } } while (0)

int main(int argc, char** argv) {
    lib = dlopen(argc > 1 ? argv[1] : "libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) { fprintf(stderr, "%s\n", dlerror()); return 1; }
    int (*cuInit)(unsigned) = (int (*)(unsigned))get("cuInit");
    int (*retain)(void**, int) = (int (*)(void**, int))get("cuDevicePrimaryCtxRetain");
    int (*setCurrent)(void*) = (int (*)(void*))get("cuCtxSetCurrent");
    int (*load)(void**, const void*) = (int (*)(void**, const void*))get("cuModuleLoadData");
    int (*getFn)(void**, void*, const char*) = (int (*)(void**, void*, const char*))get("cuModuleGetFunction");
    int (*alloc)(unsigned long long*, size_t) = (int (*)(unsigned long long*, size_t))get("cuMemAlloc_v2");
    int (*htod)(unsigned long long, const void*, size_t) = (int (*)(unsigned long long, const void*, size_t))get("cuMemcpyHtoD_v2");
    int (*dtoh)(void*, unsigned long long, size_t) = (int (*)(void*, unsigned long long, size_t))get("cuMemcpyDtoH_v2");
    int (*launch)(void*, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, void*, void**, void**) =
        (int (*)(void*, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, void*, void**, void**))get("cuLaunchKernel");
    void *ctx, *mod, *saxpy, *sum;
    CHECK(cuInit(0));
    CHECK(retain(&ctx, 0));
    CHECK(setCurrent(ctx));
    static const unsigned char fatbin[16] = {0x50, 0xED, 0x55, 0xBA, 1, 0, 16, 0};
    CHECK(load(&mod, fatbin));
    CHECK(getFn(&saxpy, mod, "rcnn4j_emutest_saxpy"));
    CHECK(getFn(&sum, mod, "rcnn4j_emutest_block_sum"));
    enum { N = 100000 };
    float* x = malloc(N * sizeof(float));
    float* y = malloc(N * sizeof(float));
    double total = 0;
    for (int i = 0; i < N; ++i) { x[i] = (float)(i % 17) - 8.0f; y[i] = (float)(i % 5); total += x[i]; }
    unsigned long long dx, dy, dsum;
    CHECK(alloc(&dx, N * sizeof(float)));
    CHECK(alloc(&dy, N * sizeof(float)));
    CHECK(htod(dx, x, N * sizeof(float)));
    CHECK(htod(dy, y, N * sizeof(float)));
    int n = N;
    float a = 3.0f;
    void* p1[] = {&n, &a, &dx, &dy};
    CHECK(launch(saxpy, (N + 255) / 256, 1, 1, 256, 1, 1, 0, NULL, p1, NULL));
    float* r = malloc(N * sizeof(float));
    CHECK(dtoh(r, dy, N * sizeof(float)));
    for (int i = 0; i < N; ++i) {
        if (r[i] != 3.0f * x[i] + y[i]) { fprintf(stderr, "saxpy[%d] = %g\n", i, r[i]); return 1; }
    }
    int blocks = (N + 511) / 512;
    CHECK(alloc(&dsum, blocks * sizeof(float)));
    void* p2[] = {&dx, &n, &dsum};
    CHECK(launch(sum, blocks, 1, 1, 512, 1, 1, 0, NULL, p2, NULL));
    CHECK(dtoh(r, dsum, blocks * sizeof(float)));
    double got = 0;
    for (int b = 0; b < blocks; ++b) got += r[b];
    if (fabs(got - total) > 1e-3 * (1 + fabs(total))) { fprintf(stderr, "sum %g != %g\n", got, total); return 1; }
    printf("cuda-emu smoke test passed\n");
    return 0;
}
