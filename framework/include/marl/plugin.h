// Plugin registration: one line per plugin.
//
//   // my_env.cpp
//   #include "marl/plugin.h"
//   MARL_ENV_PLUGIN("my_env", "1.0.0", "what it is", MyEnv, my_env_params())
//
// MyEnv has a constructor MyEnv(const marl::Params&) and derives from
// marl::Environment; my_env_params() returns a marl::ParamSpecList. Algorithms
// use MARL_ALGORITHM_PLUGIN with a constructor taking
// (const marl::AlgorithmContext&).
//
// The macro exports C symbols that the core's loader (Boost.DLL) reads:
//   marl_plugin_info     -> MarlPluginInfo, a C struct checked before anything else
//   marl_plugin_params   -> the parameter declarations
//   marl_create_env / marl_create_algorithm -> the factory
// The loader refuses a plugin whose ABI major differs, whose ABI minor is
// newer than the core's, or whose build tag (compiler, C++ library ABI,
// LibTorch and marl versions) differs, because C++ objects cross the boundary.
#pragma once

#include <cstdint>

#include "marl/abi.h"
#include "marl/build_info.h"
#include "marl/params.h"

#define MARL_STR_DETAIL(x) #x
#define MARL_STR(x) MARL_STR_DETAIL(x)

#if defined(__clang__)
#define MARL_COMPILER_TAG "clang-" MARL_STR(__clang_major__) "." MARL_STR(__clang_minor__)
#elif defined(__GNUC__)
#define MARL_COMPILER_TAG "gcc-" MARL_STR(__GNUC__) "." MARL_STR(__GNUC_MINOR__)
#else
#define MARL_COMPILER_TAG "unknown-compiler"
#endif

#if defined(_GLIBCXX_USE_CXX11_ABI)
#define MARL_STDLIB_TAG "libstdc++-cxx11abi" MARL_STR(_GLIBCXX_USE_CXX11_ABI)
#else
#define MARL_STDLIB_TAG "stdlib"
#endif

// The same string must come out of the core and every plugin it loads.
#define MARL_BUILD_TAG                                                             \
  "marl-" MARL_VERSION " abi-" MARL_STR(MARL_ABI_MAJOR) "." MARL_STR(MARL_ABI_MINOR) \
  " " MARL_COMPILER_TAG " " MARL_STDLIB_TAG " torch-" MARL_TORCH_VERSION

#define MARL_EXPORT extern "C" __attribute__((visibility("default")))

extern "C" {
// Layout frozen forever: the loader reads it before it knows the plugin's ABI.
struct MarlPluginInfo {
  uint32_t abi_major;
  uint32_t abi_minor;
  const char* kind;  // "env" or "algorithm"
  const char* name;
  const char* version;
  const char* description;
  const char* build_tag;
};
}

namespace marl {
class Environment;
class Algorithm;
struct AlgorithmContext;
}  // namespace marl

#define MARL_PLUGIN_COMMON_(KIND, NAME, VERSION, DESCRIPTION, PARAMS)          \
  MARL_EXPORT const MarlPluginInfo* marl_plugin_info() {                       \
    static const MarlPluginInfo info{MARL_ABI_MAJOR, MARL_ABI_MINOR, KIND, NAME, \
                                     VERSION,        DESCRIPTION,    MARL_BUILD_TAG}; \
    return &info;                                                              \
  }                                                                            \
  MARL_EXPORT const marl::ParamSpecList* marl_plugin_params() {                \
    static const marl::ParamSpecList params = PARAMS;                          \
    return &params;                                                            \
  }

#define MARL_ENV_PLUGIN(NAME, VERSION, DESCRIPTION, CLASS, PARAMS)             \
  MARL_PLUGIN_COMMON_("env", NAME, VERSION, DESCRIPTION, PARAMS)               \
  MARL_EXPORT marl::Environment* marl_create_env(const marl::Params& params) { \
    return new CLASS(params);                                                  \
  }

#define MARL_ALGORITHM_PLUGIN(NAME, VERSION, DESCRIPTION, CLASS, PARAMS)       \
  MARL_PLUGIN_COMMON_("algorithm", NAME, VERSION, DESCRIPTION, PARAMS)         \
  MARL_EXPORT marl::Algorithm* marl_create_algorithm(                          \
      const marl::AlgorithmContext& context) {                                 \
    return new CLASS(context);                                                 \
  }
