// What the emulator (src/) and its stand-in cuBLAS and cuDNN (standins/) share: printf into a std::string, for
// the error details they report. Header-only: each library compiles its own hidden copy (cuda/emu/CMakeLists.txt
// puts this folder on both include paths).
#pragma once

#include <cstdarg>
#include <cstdio>
#include <string>

namespace cuemu {

// printf's formatting into a string of any length (one vsnprintf into a stack buffer when it fits).
inline std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
inline std::string format(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char buf[1024];
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0) return std::string();
    if (n < int(sizeof buf)) return buf;
    std::string s(size_t(n) + 1, '\0');
    va_start(ap, fmt);
    vsnprintf(&s[0], s.size(), fmt, ap);
    va_end(ap);
    s.resize(size_t(n));
    return s;
}

}  // namespace cuemu
