// Environments and algorithms made by a plugin, seen through guards that turn
// every exception leaving plugin code into a core-owned one (same kind, the
// message copied) before it propagates.
//
// Why: an exception thrown inside a plugin carries the plugin's own copy of
// its vtable and type info (plugins hide their symbols). Unwinding destroys
// the objects that keep the plugin loaded, so by the time the CLI reads the
// message the library may be gone, and e.what() crashes. A copy made while
// the plugin is still loaded outlives it.
#pragma once

#include <memory>

#include "marl/algorithm.h"
#include "marl/env.h"

namespace marl {

std::shared_ptr<Environment> guard_environment(std::shared_ptr<Environment> env);
std::shared_ptr<Algorithm> guard_algorithm(std::shared_ptr<Algorithm> algorithm);

}  // namespace marl
