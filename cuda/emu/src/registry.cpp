// The kernels compiled into this library, by their extern "C" name (filled during static initialization).
#include <cstdio>
#include <map>
#include <string>

#include "runtime.h"

namespace cuemu {

namespace {
std::map<std::string, KernelInfo>& registry() {
    static std::map<std::string, KernelInfo> r;  // function-local: registrars in other files may run first
    return r;
}
}  // namespace

Registrar::Registrar(const char* name, Thunk thunk, int arity) {
    auto& r = registry();
    if (r.count(name)) fprintf(stderr, "rcnn4j cuda-emu: kernel %s is registered twice\n", name);
    r[name] = KernelInfo{name, thunk, arity};
}

const KernelInfo* find_kernel(const std::string& name) {
    auto& r = registry();
    auto it = r.find(name);
    return it == r.end() ? nullptr : &it->second;
}

std::vector<std::string> kernel_names() {
    std::vector<std::string> out;
    for (auto& kv : registry()) out.push_back(kv.first);
    return out;
}

}  // namespace cuemu
