// The merged TOML of an experiment plus where each value came from.
//
// TOML++ drops a node's source region when the node is copied, and merging an
// `extends` chain copies nodes between documents, so locations are carried
// here separately: one entry per table and value, keyed by its key path.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <toml++/toml.h>

namespace marl::detail {

using KeyPath = std::vector<std::string>;

std::string join_key(const KeyPath& path);  // {"algorithm", "lr"} -> "algorithm.lr"

struct ConfigTree {
  std::string source_name;   // the top file, as the user named it
  std::string top_location;  // "file:1:1", for things that are missing altogether
  toml::table root;          // merged; no 'extends' key
  std::map<KeyPath, std::string> locations;  // "file:line:col" or "--set key=value"

  // Where `path` was set; the nearest recorded ancestor, else top_location.
  const std::string& location_of(KeyPath path) const;
};

// Reads `file` and every file it extends, merged child over parent.
ConfigTree load_config_tree(const std::filesystem::path& file);
// Same for text in memory; `extends` paths are relative to source_name's folder.
ConfigTree parse_config_tree(const std::string& toml_text, const std::string& source_name);
// Applies one "key.path=value" argument.
void apply_override(ConfigTree& tree, const std::string& argument);

// "a string \"1e5\"", "an integer 3", "a table", ...: what the user wrote.
std::string describe_node(const toml::node& node);
// The value as TOML text ("0.001", "\"two_step\"", "[1, 2]").
std::string format_node_value(const toml::node& node);

}  // namespace marl::detail
