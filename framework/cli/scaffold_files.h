// The files `marl new` writes: the example plugins of docs/examples, embedded
// at build time (cmake/MarlScaffolds.cmake).
#pragma once

#include <string>
#include <vector>

namespace marl::cli {

struct ScaffoldFile {
  const char* kind;     // "env" / "algorithm"
  const char* example;  // the example's plugin name, replaced by the new one
  const char* path;     // relative to the plugin folder
  const char* content;
};

const std::vector<ScaffoldFile>& scaffold_files();

}  // namespace marl::cli
