#include "marl/host/experiment_config.h"


#include <algorithm>
#include <cctype>
#include <sstream>

#include "config_tree.h"
#include "expectation_parser.h"
#include "sweep_parser.h"
#include "marl/error.h"
#include "closest_match.h"

namespace marl {

namespace {

using detail::ConfigTree;
using detail::describe_node;

const char* const kPluginHint = "; `marl list` shows the installed ones";

struct SectionInfo {
  std::string table;  // "env"
  std::string what;   // "environment"
};

// The plugin named by [env] or [algorithm], with the error a user needs when
// the table or its 'plugin' key is missing or malformed.
std::string plugin_of(const ConfigTree& tree, const SectionInfo& section) {
  const std::string needs = "[" + section.table + "] needs a 'plugin' key naming the " + section.what +
                            " plugin" + kPluginHint;
  const toml::node* node = tree.root.get(section.table);
  if (!node) throw ConfigError(tree.top_location + ": " + needs + " (there is no [" + section.table + "] table)");
  const std::string table_location = tree.location_of({section.table});
  const toml::table* table = node->as_table();
  if (!table) {
    throw ConfigError(table_location + ": '" + section.table + "' must be a table ([" + section.table +
                      "]), got " + describe_node(*node) + "; " + needs);
  }
  const toml::node* plugin = table->get("plugin");
  if (!plugin) throw ConfigError(table_location + ": " + needs);
  const std::string plugin_location = tree.location_of({section.table, "plugin"});
  if (!plugin->is_string()) {
    throw ConfigError(plugin_location + ": key '" + section.table + ".plugin' must be a string naming the " +
                      section.what + " plugin, got " + describe_node(*plugin) + kPluginHint);
  }
  const std::string& name = plugin->as_string()->get();
  if (name.empty()) {
    throw ConfigError(plugin_location + ": key '" + section.table + ".plugin' is empty; " + needs);
  }
  return name;
}

void check_top_level(const ConfigTree& tree) {
  static const std::vector<std::string> kTopLevel = {"extends", "run", "env", "algorithm", "expect", "sweep"};
  for (const auto& [key_view, node] : tree.root) {
    const std::string key(key_view.str());
    if (key == "run" || key == "env" || key == "algorithm" || key == "expect" || key == "sweep") continue;
    std::string message = tree.location_of({key}) + ": unknown top-level " +
                          (node.is_table() ? "table [" + key + "]" : "key '" + key + "'");
    const auto suggestion = closest_match(key, kTopLevel);
    message += suggestion ? "; did you mean '" + *suggestion + "'?" : std::string(".");
    throw ConfigError(message +
                      " An experiment file holds only extends = \"file.toml\", [run], [env], [algorithm], "
                      "[expect] and [sweep].");
  }
  if (const toml::node* run = tree.root.get("run"); run && !run->is_table()) {
    throw ConfigError(tree.location_of({"run"}) + ": 'run' must be a table ([run]), got " + describe_node(*run));
  }
}

// The TOML value as the spec's type, or nothing when the types differ. Float
// params take integers; int params refuse floats; lists check each element.
std::optional<ParamValue> to_param_value(const toml::node& node, ParamType type) {
  switch (type) {
    case ParamType::Bool:
      if (const auto* b = node.as_boolean()) return ParamValue(b->get());
      break;
    case ParamType::Int:
      if (const auto* i = node.as_integer()) return ParamValue(i->get());
      break;
    case ParamType::Float:
      if (const auto* f = node.as_floating_point()) return ParamValue(f->get());
      if (const auto* i = node.as_integer()) return ParamValue(static_cast<double>(i->get()));
      break;
    case ParamType::String:
      if (const auto* s = node.as_string()) return ParamValue(s->get());
      break;
    case ParamType::IntList:
      if (const auto* array = node.as_array()) {
        std::vector<int64_t> values;
        for (const auto& element : *array) {
          const auto* i = element.as_integer();
          if (!i) return std::nullopt;
          values.push_back(i->get());
        }
        return ParamValue(std::move(values));
      }
      break;
    case ParamType::StringList:
      if (const auto* array = node.as_array()) {
        std::vector<std::string> values;
        for (const auto& element : *array) {
          const auto* s = element.as_string();
          if (!s) return std::nullopt;
          values.push_back(s->get());
        }
        return ParamValue(std::move(values));
      }
      // Files written before string lists existed (learning_teams = "a,b"):
      // a comma-separated string, spaces trimmed; "" is the empty list.
      if (const auto* s = node.as_string()) {
        std::vector<std::string> values;
        std::string item;
        std::istringstream in(s->get());
        while (std::getline(in, item, ',')) {
          const auto b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
          values.push_back(b == std::string::npos ? std::string() : item.substr(b, e - b + 1));
        }
        return ParamValue(std::move(values));
      }
      break;
    case ParamType::FloatList:
      if (const auto* array = node.as_array()) {
        std::vector<double> values;
        for (const auto& element : *array) {
          if (const auto* f = element.as_floating_point()) {
            values.push_back(f->get());
          } else if (const auto* i = element.as_integer()) {
            values.push_back(static_cast<double>(i->get()));
          } else {
            return std::nullopt;
          }
        }
        return ParamValue(std::move(values));
      }
      break;
  }
  return std::nullopt;
}

struct SectionSpecs {
  std::string table;          // "run", "env", "algorithm"
  std::string checked_against;  // "in [run]", "for env plugin 'matrix_games'"
  bool has_plugin_key = false;
  const ParamSpecList* specs = nullptr;
};

[[noreturn]] void unknown_key(const ConfigTree& tree, const SectionSpecs& section, const std::string& key) {
  std::vector<std::string> valid;
  if (section.has_plugin_key) valid.push_back("plugin");
  for (const auto& spec : *section.specs) valid.push_back(spec.name);
  std::string message = tree.location_of({section.table, key}) + ": unknown key '" + section.table + "." +
                        key + "' " + section.checked_against;
  const auto suggestion = closest_match(key, valid);
  message += suggestion ? "; did you mean '" + *suggestion + "'?" : std::string(".");
  std::string list;
  for (const auto& name : valid) list += (list.empty() ? "" : ", ") + name;
  throw ConfigError(message + " Valid keys: " + (list.empty() ? "none" : list) + ".");
}

Params resolve_section(const ConfigTree& tree, const SectionSpecs& section) {
  Params params = Params::defaults(*section.specs);
  const toml::node* node = tree.root.get(section.table);
  if (!node) return params;
  for (const auto& [key_view, value_node] : *node->as_table()) {
    const std::string key(key_view.str());
    if (section.has_plugin_key && key == "plugin") continue;
    const auto spec = std::find_if(section.specs->begin(), section.specs->end(),
                                   [&](const ParamSpec& s) { return s.name == key; });
    if (spec == section.specs->end()) unknown_key(tree, section, key);

    const std::string prefix =
        tree.location_of({section.table, key}) + ": key '" + section.table + "." + key + "' expects ";
    std::optional<ParamValue> value = to_param_value(value_node, spec->type);
    if (!value) throw ConfigError(prefix + spec->expected() + ", got " + describe_node(value_node));
    const std::string problem = spec->check(*value);
    if (!problem.empty()) {
      std::string message = prefix + problem + ", got " + param_value_to_string(*value);
      if (const auto* text = std::get_if<std::string>(&*value)) {
        if (auto suggestion = closest_match(*text, spec->choices)) message += "; did you mean \"" + *suggestion + "\"?";
      }
      throw ConfigError(message);
    }
    params.set(key, std::move(*value));
  }
  return params;
}

const SectionInfo kEnvSection{"env", "environment"};
const SectionInfo kAlgorithmSection{"algorithm", "algorithm"};

}  // namespace

const ParamSpecList& run_param_specs() {
  static const ParamSpecList specs = {
      ParamSpec::string("name", "", "run name; empty means the experiment file's stem"),
      ParamSpec::integer("seed", 0, "master seed of the run").range(0, std::nullopt),
      ParamSpec::int_list("seeds", {}, "when non-empty, run once per listed seed instead of 'seed'")
          .range(0, std::nullopt),
      ParamSpec::integer("env_steps", 10000, "total env steps, summed over the vector envs")
          .range(1, std::nullopt),
      ParamSpec::integer("num_envs", 8, "number of env copies stepped in lockstep").range(1, 65536),
      ParamSpec::integer("threads", 1, "threads stepping the envs; 0 means all cores").range(0, 256),
      ParamSpec::integer("torch_threads", 1,
                         "intra-op threads of the learner's networks; 0 means all cores (bit-exact "
                         "results need the same count)")
          .range(0, 256),
      ParamSpec::integer("log_interval", 1000, "env steps between metrics rows").range(1, std::nullopt),
      ParamSpec::integer("checkpoint_interval", 0, "env steps between checkpoints; 0 means the final one only")
          .range(0, std::nullopt),
      ParamSpec::real("checkpoint_minutes", 10.0,
                      "also checkpoint after this many minutes of wall time since the last one, so a killed "
                      "run loses at most that much; 0 turns it off")
          .range(0.0, 1e6),
      ParamSpec::integer("keep_checkpoints", 1,
                         "checkpoints kept: checkpoint.bin (the latest) and the newest keep_checkpoints - 1 "
                         "earlier ones as checkpoint-<env_steps>.bin")
          .range(1, 1000),
      ParamSpec::boolean("checkpoint_replay", false,
                         "replay-based learners (qmix, maddpg) save their replay buffer in checkpoints, so that "
                         "marl run --resume continues bit-identically; it can make checkpoints large (see the "
                         "algorithm's README)"),
      ParamSpec::integer("eval_interval", 0,
                         "env steps between greedy evaluations of eval_episodes episodes during training, into "
                         "eval.csv (EPyMARL's protocol: 50000 with 100 episodes); 0 means at the end only")
          .range(0, std::nullopt),
      ParamSpec::integer("eval_episodes", 0, "greedy evaluation episodes at the end of the run")
          .range(0, std::nullopt),
      ParamSpec::integer("check_env_steps", 100,
                         "vector steps at the start of a run stepped between guard values, so that an env "
                         "writing past its declared observation, mask or state sizes is named (one thread "
                         "while checking); 0 turns it off")
          .range(0, std::nullopt),
      ParamSpec::string("eval_baseline", "",
                        "algorithm plugin (e.g. \"random\") played with its default parameters on the same "
                        "evaluation episodes as the trained policy, for comparison (eval_baseline.csv); "
                        "empty means none"),
  };
  return specs;
}

struct ExperimentDocument::Impl {
  ConfigTree tree;
};

ExperimentDocument::ExperimentDocument(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ExperimentDocument::ExperimentDocument(ExperimentDocument&&) noexcept = default;
ExperimentDocument& ExperimentDocument::operator=(ExperimentDocument&&) noexcept = default;
ExperimentDocument::~ExperimentDocument() = default;

ExperimentDocument ExperimentDocument::load(const std::filesystem::path& file,
                                            const std::vector<std::string>& overrides) {
  auto impl = std::make_unique<Impl>();
  impl->tree = detail::load_config_tree(file);
  for (const auto& override_arg : overrides) detail::apply_override(impl->tree, override_arg);
  return ExperimentDocument(std::move(impl));
}

ExperimentDocument ExperimentDocument::parse(const std::string& toml_text, const std::string& source_name,
                                             const std::vector<std::string>& overrides) {
  auto impl = std::make_unique<Impl>();
  impl->tree = detail::parse_config_tree(toml_text, source_name);
  for (const auto& override_arg : overrides) detail::apply_override(impl->tree, override_arg);
  return ExperimentDocument(std::move(impl));
}

const std::string& ExperimentDocument::source_name() const { return impl_->tree.source_name; }

std::string ExperimentDocument::env_plugin() const { return plugin_of(impl_->tree, kEnvSection); }

std::string ExperimentDocument::location_of(const std::string& table, const std::string& key) const {
  return impl_->tree.location_of({table, key});
}

std::vector<SweepAxis> ExperimentDocument::sweep() const { return detail::parse_sweep(impl_->tree); }

SweepAxis ExperimentDocument::parse_sweep_argument(const std::string& argument) {
  return detail::parse_sweep_argument(argument);
}

std::vector<Expectation> ExperimentDocument::expectations() const {
  return detail::parse_expectations(impl_->tree);
}

std::string ExperimentDocument::algorithm_plugin() const {
  return plugin_of(impl_->tree, kAlgorithmSection);
}

ExperimentDocument::Resolved ExperimentDocument::resolve(const ParamSpecList& env_specs,
                                                         const ParamSpecList& algorithm_specs) const {
  const ConfigTree& tree = impl_->tree;
  check_top_level(tree);
  Resolved resolved;
  resolved.env_plugin = env_plugin();
  resolved.algorithm_plugin = algorithm_plugin();
  resolved.run = resolve_section(tree, {"run", "in [run]", false, &run_param_specs()});
  resolved.expect = detail::parse_expectations(tree);
  detail::parse_sweep(tree);  // checked here too, so marl validate reports it
  // The name becomes a folder name under runs/: no path separators, no "..".
  const std::string& name = resolved.run.get_string("name");
  const bool safe_name = std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
  if (!safe_name || name == "." || name == "..") {
    throw ConfigError(tree.location_of({"run", "name"}) + ": key 'run.name' must hold only letters, digits, '-', '_' "
                      "and '.' (it names the run's folder under runs/), got \"" + name + "\"");
  }
  // Each seed is one run folder (seed_<n>): a repeated one would run twice into the same place.
  const std::vector<int64_t>& seeds = resolved.run.get_int_list("seeds");
  for (size_t i = 0; i < seeds.size(); ++i) {
    if (std::find(seeds.begin(), seeds.begin() + static_cast<std::ptrdiff_t>(i), seeds[i]) != seeds.begin() + static_cast<std::ptrdiff_t>(i)) {
      throw ConfigError(tree.location_of({"run", "seeds"}) + ": key 'run.seeds' lists seed " + std::to_string(seeds[i]) +
                        " more than once; each seed is one run (folder seed_<n>)");
    }
  }
  resolved.env = resolve_section(
      tree, {"env", "for env plugin '" + resolved.env_plugin + "'", true, &env_specs});
  resolved.algorithm = resolve_section(
      tree, {"algorithm", "for algorithm plugin '" + resolved.algorithm_plugin + "'", true, &algorithm_specs});
  return resolved;
}

}  // namespace marl
