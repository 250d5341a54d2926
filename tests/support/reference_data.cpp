#include "reference_data.h"

#include <cstdlib>

namespace marl::testing {

std::string reference_file(const std::string& plugin, const std::string& file, const std::string& default_dir) {
  const char* root = std::getenv("MARL_REFERENCE_DIR");
  if (root != nullptr && *root != '\0') return std::string(root) + "/" + plugin + "/" + file;
  return default_dir + "/" + file;
}

std::string reference_file_hint(const std::string& path) {
  return "reference file " + path +
         " (set MARL_REFERENCE_DIR=<root> to replay <root>/<plugin>/<file> instead)";
}

}  // namespace marl::testing
