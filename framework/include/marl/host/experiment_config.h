// Experiment files: TOML that fully describes a run.
//
//   extends = "base.toml"        # optional; path relative to this file
//   [run]                        # core keys, see run_param_specs()
//   seed = 1
//   env_steps = 20000
//   [env]
//   plugin = "matrix_games"      # which env plugin; the other keys are its params
//   game = "two_step"
//   [algorithm]
//   plugin = "random"
//
// Layering: a file's tables are merged over the file it extends (recursively,
// key by key), then each --set key.path=value is applied. Validation is
// strict: unknown keys, wrong types and out-of-range values are ConfigErrors
// naming file:line:column, the key, what was expected and, for a likely typo,
// the closest valid key.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "marl/host/expectation.h"
#include "marl/params.h"

namespace marl {

// The core's own [run] keys (seed, env_steps, num_envs, ...).
const ParamSpecList& run_param_specs();

// One axis of a sweep: a key ("algorithm.lr") and the values it takes, as
// TOML text ("0.001"). The grid is the product of the axes.
struct SweepAxis {
  std::string key;
  std::vector<std::string> values;
  std::string location;  // file:line:column, or the --sweep argument
};

// A parsed and merged experiment document; values remember where they came
// from (file:line:col, or the --set argument).
class ExperimentDocument {
 public:
  // Reads `file`, follows `extends` chains (cycles are errors) and applies
  // `overrides` ("key.path=value"; the value is TOML, or a bare string).
  static ExperimentDocument load(const std::filesystem::path& file,
                                 const std::vector<std::string>& overrides = {});
  static ExperimentDocument parse(const std::string& toml_text, const std::string& source_name,
                                  const std::vector<std::string>& overrides = {});

  ExperimentDocument(ExperimentDocument&&) noexcept;
  ExperimentDocument& operator=(ExperimentDocument&&) noexcept;
  ~ExperimentDocument();

  const std::string& source_name() const;  // the top file
  // [env].plugin / [algorithm].plugin; ConfigError if missing or not a string.
  std::string env_plugin() const;
  std::string algorithm_plugin() const;
  // Where a key was set ("file:line:col" or "--set ..."), else where its table or the file starts.
  std::string location_of(const std::string& table, const std::string& key) const;

  // Validates [run] against run_param_specs(), [env] and [algorithm] against
  // the plugins' specs, and rejects unknown top-level keys/tables.
  struct Resolved {
    Params run;
    std::string env_plugin;
    Params env;
    std::string algorithm_plugin;
    Params algorithm;
    std::vector<Expectation> expect;  // [expect], by metric name
  };
  Resolved resolve(const ParamSpecList& env_specs, const ParamSpecList& algorithm_specs) const;

  // [expect] alone (no plugins needed: marl check reads run directories).
  std::vector<Expectation> expectations() const;

  // [sweep]: sweep.<table>.<key> = [values], each a key of [run], [env] or
  // [algorithm]; ConfigError at the entry's location otherwise.
  std::vector<SweepAxis> sweep() const;
  static SweepAxis parse_sweep_argument(const std::string& argument);  // "--sweep key=v1,v2"

 private:
  struct Impl;
  explicit ExperimentDocument(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The fully resolved config as TOML (every key, defaults included), loadable
// again with ExperimentDocument::load: what config.toml in a run dir holds.
std::string resolved_to_toml(const ExperimentDocument::Resolved& resolved);

}  // namespace marl
