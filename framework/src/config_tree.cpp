#include "config_tree.h"

#include <fstream>
#include <sstream>

#include "marl/error.h"
#include "marl/params.h"

namespace marl::detail {

namespace fs = std::filesystem;

namespace {

using LocationMap = std::map<KeyPath, std::string>;

struct Layer {
  toml::table table;
  LocationMap locations;
};

// The files being read, outermost first, to name the chain of a cycle.
struct ExtendsChain {
  std::vector<fs::path> canonical;
  std::vector<std::string> shown;
};

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

std::string format_location(const std::string& file, const toml::source_region& region) {
  return file + ":" + std::to_string(region.begin.line) + ":" + std::to_string(region.begin.column);
}

bool starts_with(const KeyPath& path, const KeyPath& prefix) {
  return path.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

void erase_subtree(LocationMap& locations, const KeyPath& path) {
  auto it = locations.lower_bound(path);
  while (it != locations.end() && starts_with(it->first, path)) it = locations.erase(it);
}

void copy_subtree(const LocationMap& from, const KeyPath& path, LocationMap& to) {
  for (auto it = from.lower_bound(path); it != from.end() && starts_with(it->first, path); ++it) {
    to[it->first] = it->second;
  }
}

// Deeper keys than any experiment needs ([run], [env], [algorithm] hold
// plain values) are refused before their bookkeeping, which records every
// node's full path, grows with the square of the depth (a 16 KB dotted key of
// 8000 parts took 2 GB).
constexpr size_t kMaxKeyDepth = 32;

// Values inside arrays are not recorded: errors about them point at the array.
void record_locations(const toml::table& table, const KeyPath& prefix, const std::string& file,
                      const std::string& inherited, LocationMap& locations) {
  for (const auto& [key, node] : table) {
    KeyPath path = prefix;
    path.emplace_back(key.str());
    const std::string location =
        node.source().begin.line > 0 ? format_location(file, node.source()) : inherited;
    if (path.size() > kMaxKeyDepth) {
      throw ConfigError(location + ": keys nested more than " + std::to_string(kMaxKeyDepth) +
                        " levels deep (from '" + path.front() + "'); an experiment file holds [run], [env] and "
                        "[algorithm] tables of plain values");
    }
    locations[path] = location;
    if (const auto* child = node.as_table()) record_locations(*child, path, file, location, locations);
  }
}

void assign_node(toml::table& table, const std::string& key, const toml::node& node) {
  node.visit([&](const auto& concrete) { table.insert_or_assign(key, concrete); });
}

// Child over parent, key by key; tables present on both sides merge recursively.
void merge_tables(toml::table& dst, LocationMap& dst_locations, const toml::table& src,
                  const LocationMap& src_locations, const KeyPath& prefix) {
  for (const auto& [key, node] : src) {
    KeyPath path = prefix;
    path.emplace_back(key.str());
    toml::node* existing = dst.get(key.str());
    if (existing && existing->is_table() && node.is_table()) {
      const auto it = src_locations.find(path);
      if (it != src_locations.end()) dst_locations[path] = it->second;
      merge_tables(*existing->as_table(), dst_locations, *node.as_table(), src_locations, path);
    } else {
      erase_subtree(dst_locations, path);
      assign_node(dst, std::string(key.str()), node);
      copy_subtree(src_locations, path, dst_locations);
    }
  }
}

toml::table parse_toml(const std::string& text, const std::string& shown) {
  try {
    return toml::parse(text, shown);
  } catch (const toml::parse_error& e) {
    throw ConfigError(format_location(shown, e.source()) + ": invalid TOML: " +
                      std::string(e.description()));
  }
}

std::string read_text(const fs::path& file, const std::string& shown) {
  std::ifstream in(file, std::ios::binary);
  if (!in.is_open()) throw ConfigError(shown + ": cannot read the experiment file");
  std::ostringstream text;
  text << in.rdbuf();  // sets failbit on an empty file, which is still a valid document
  return text.str();
}

fs::path canonical_or_same(const fs::path& path) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(path, ec);
  return ec ? path : canonical;
}

Layer read_layer(const std::string& text, const std::string& shown, ExtendsChain& chain) {
  Layer layer;
  layer.table = parse_toml(text, shown);
  record_locations(layer.table, {}, shown, shown + ":1:1", layer.locations);
  const toml::node* extends = layer.table.get("extends");
  if (!extends) return layer;

  const std::string where = layer.locations.at({"extends"});
  if (!extends->is_string()) {
    throw ConfigError(where + ": 'extends' must be a string: the path of the experiment file this one "
                      "builds on, relative to this file; got " + describe_node(*extends));
  }
  const fs::path target = fs::path(shown).parent_path() / extends->as_string()->get();
  const std::string target_shown = target.lexically_normal().string();
  std::error_code ec;
  if (fs::is_directory(target, ec)) {
    throw ConfigError(where + ": " + shown + " extends '" + target_shown +
                      "', which is a folder; 'extends' names an experiment file (.toml)");
  }
  if (!fs::is_regular_file(target, ec)) {
    throw ConfigError(where + ": " + shown + " extends '" + target_shown +
                      "', which does not exist (the path is relative to the folder of " + shown + ")");
  }
  const fs::path canonical = canonical_or_same(target);
  for (size_t i = 0; i < chain.canonical.size(); ++i) {
    if (chain.canonical[i] != canonical) continue;
    std::string cycle;
    for (size_t j = i; j < chain.shown.size(); ++j) cycle += chain.shown[j] + " -> ";
    throw ConfigError(where + ": 'extends' forms a cycle: " + cycle + target_shown);
  }

  chain.canonical.push_back(canonical);
  chain.shown.push_back(target_shown);
  Layer merged = read_layer(read_text(target, target_shown), target_shown, chain);
  chain.canonical.pop_back();
  chain.shown.pop_back();

  layer.table.erase("extends");
  layer.locations.erase({"extends"});
  merge_tables(merged.table, merged.locations, layer.table, layer.locations, {});
  return merged;
}


}  // namespace

std::string format_node_value(const toml::node& node) {
  if (const auto* s = node.as_string()) return param_value_to_string(s->get());
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  if (const auto* f = node.as_floating_point()) return param_value_to_string(f->get());
  if (const auto* b = node.as_boolean()) return b->get() ? "true" : "false";
  if (const auto* array = node.as_array()) {
    std::string out = "[";
    for (size_t i = 0; i < array->size(); ++i) {
      out += (i > 0 ? ", " : "") + format_node_value(*array->get(i));
    }
    return out + "]";
  }
  if (node.is_table()) return "{...}";
  std::ostringstream out;
  node.visit([&](const auto& concrete) { out << concrete; });
  return out.str();
}


std::string join_key(const KeyPath& path) {
  std::string key;
  for (const auto& part : path) key += (key.empty() ? "" : ".") + part;
  return key;
}

const std::string& ConfigTree::location_of(KeyPath path) const {
  while (!path.empty()) {
    const auto it = locations.find(path);
    if (it != locations.end()) return it->second;
    path.pop_back();
  }
  return top_location;
}

ConfigTree parse_config_tree(const std::string& toml_text, const std::string& source_name) {
  ExtendsChain chain;
  chain.canonical.push_back(canonical_or_same(source_name));
  chain.shown.push_back(source_name);
  Layer layer = read_layer(toml_text, source_name, chain);

  ConfigTree tree;
  tree.source_name = source_name;
  tree.top_location = source_name + ":1:1";
  tree.root = std::move(layer.table);
  tree.locations = std::move(layer.locations);
  return tree;
}

ConfigTree load_config_tree(const fs::path& file) {
  const std::string shown = file.string();
  std::error_code ec;
  if (!fs::exists(file, ec)) throw ConfigError(shown + ": no such experiment file");
  if (!fs::is_regular_file(file, ec)) throw ConfigError(shown + ": is not a file");
  return parse_config_tree(read_text(file, shown), shown);
}

void apply_override(ConfigTree& tree, const std::string& argument) {
  const std::string where = "--set " + argument;
  const auto equals = argument.find('=');
  if (equals == std::string::npos) {
    throw ConfigError(where + ": expected key.path=value, e.g. --set run.seed=3 or --set env.game=two_step");
  }
  const std::string key_text = trim(argument.substr(0, equals));
  const std::string value_text = trim(argument.substr(equals + 1));

  KeyPath path;
  std::stringstream parts(key_text);
  for (std::string part; std::getline(parts, part, '.');) path.push_back(trim(part));
  if (!key_text.empty() && key_text.back() == '.') path.emplace_back();
  if (path.size() > kMaxKeyDepth) {
    throw ConfigError(where + ": a key of more than " + std::to_string(kMaxKeyDepth) +
                      " parts; experiment keys are table.key (e.g. run.seed)");
  }
  bool empty_part = path.empty();
  for (const auto& part : path) empty_part = empty_part || part.empty();
  if (empty_part) {
    throw ConfigError(where + ": the key '" + key_text +
                      "' is empty or has an empty part; expected key.path=value, e.g. --set run.seed=3");
  }
  if (path.front() == "extends") {
    throw ConfigError(where + ": 'extends' can only be set inside an experiment file");
  }

  // A TOML value if it parses as one, else the text itself: --set env.game=two_step.
  toml::table parsed;
  bool is_toml = false;
  try {
    parsed = toml::parse("v = " + value_text);
    is_toml = parsed.size() == 1 && parsed.contains("v");
  } catch (const toml::parse_error&) {
  }

  toml::table* table = &tree.root;
  KeyPath prefix;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    prefix.push_back(path[i]);
    toml::node* child = table->get(path[i]);
    if (!child) {
      child = table->insert_or_assign(path[i], toml::table{}).first->second.as_table();
      tree.locations[prefix] = where;
    } else if (!child->is_table()) {
      throw ConfigError(where + ": cannot set '" + join_key(path) + "' because '" + join_key(prefix) +
                        "' is " + describe_node(*child) + " (set at " + tree.location_of(prefix) +
                        "), not a table");
    }
    table = child->as_table();
  }
  if (is_toml) {
    assign_node(*table, path.back(), *parsed.get("v"));
  } else {
    table->insert_or_assign(path.back(), value_text);
  }
  erase_subtree(tree.locations, path);
  tree.locations[path] = where;
}

std::string describe_node(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string " + format_node_value(node);
    case toml::node_type::integer: return "an integer " + format_node_value(node);
    case toml::node_type::floating_point: return "a float " + format_node_value(node);
    case toml::node_type::boolean: return "a boolean " + format_node_value(node);
    case toml::node_type::array: return "a list " + format_node_value(node);
    case toml::node_type::table: return "a table";
    case toml::node_type::date: return "a date " + format_node_value(node);
    case toml::node_type::time: return "a time " + format_node_value(node);
    case toml::node_type::date_time: return "a date-time " + format_node_value(node);
    default: return "nothing";
  }
}

}  // namespace marl::detail
