// ABI version of the plugin interface.
//
// Bump MARL_ABI_MAJOR for any change that breaks binary compatibility of the
// classes a plugin implements or receives (Environment, Algorithm, the view
// structs, Params). Bump MARL_ABI_MINOR for additions an older core can load
// safely. The loader refuses plugins whose major differs or whose minor is
// newer than the core's.
#pragma once

#define MARL_ABI_MAJOR 7
#define MARL_ABI_MINOR 0
