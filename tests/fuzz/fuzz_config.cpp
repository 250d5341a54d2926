// Fuzz target: the experiment-file loader (TOML parse, extends-free layering,
// --set overrides, validation against parameter specs, the resolved config
// written back and read again). Any marl::Error is a correct answer to bad
// input; anything else (a crash, another exception, a sanitizer report, a
// resolved config that does not load again) is a bug.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "marl/error.h"
#include "marl/host/experiment_config.h"
#include "marl/params.h"

namespace {

const marl::ParamSpecList& env_specs() {
  static const marl::ParamSpecList specs = {
      marl::ParamSpec::integer("size", 5, "grid size").range(1, 64),
      marl::ParamSpec::real("reward_scale", 1.0, "scale").range(0.0, 100.0),
      marl::ParamSpec::boolean("flag", false, "a switch"),
      marl::ParamSpec::choice("game", "a", {"a", "b", "c"}, "which"),
      marl::ParamSpec::string("name", "x", "free text"),
  };
  return specs;
}

const marl::ParamSpecList& algorithm_specs() {
  static const marl::ParamSpecList specs = {
      marl::ParamSpec::real("lr", 1e-3, "learning rate").range(0.0, 1.0),
      marl::ParamSpec::integer("batch", 32, "batch").range(1, 1 << 20),
      marl::ParamSpec::string_list("teams", {}, "names"),
  };
  return specs;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  // A line "--set key=value" at the start becomes an override, the rest is the file.
  std::vector<std::string> overrides;
  std::string text = input;
  if (text.rfind("--set ", 0) == 0) {
    const size_t end = text.find('\n');
    overrides.push_back(text.substr(6, end == std::string::npos ? std::string::npos : end - 6));
    text = end == std::string::npos ? std::string() : text.substr(end + 1);
  }
  try {
    const marl::ExperimentDocument doc = marl::ExperimentDocument::parse(text, "fuzz.toml", overrides);
    const marl::ExperimentDocument::Resolved resolved = doc.resolve(env_specs(), algorithm_specs());
    const std::string written = marl::resolved_to_toml(resolved);
    // What config.toml holds must load again, to the same text.
    const marl::ExperimentDocument again = marl::ExperimentDocument::parse(written, "config.toml");
    if (marl::resolved_to_toml(again.resolve(env_specs(), algorithm_specs())) != written) __builtin_trap();
  } catch (const marl::Error&) {
  }
  return 0;
}
