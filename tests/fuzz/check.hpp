#pragma once
// The harnesses assert properties, not only the absence of crashes: a broken property aborts with its text, so
// libFuzzer keeps the input that broke it.
#include <cstdio>
#include <cstdlib>
#include <string_view>

#define FUZZ_CHECK(condition)                                                                      \
  do {                                                                                             \
    if (!(condition)) {                                                                            \
      std::fprintf(stderr, "property failed: %s (%s:%d)\n", #condition, __FILE__, __LINE__);       \
      std::abort();                                                                                \
    }                                                                                              \
  } while (false)

inline std::string_view fuzz_text(const unsigned char* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}
