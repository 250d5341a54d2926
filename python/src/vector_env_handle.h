// The one object the Python module wraps: a marl::VectorEnv loaded from a
// plugin by name, with its buffers shown to Python as numpy arrays that view
// the core's memory (no copies). The pure-Python package (python/marl/) builds
// PettingZoo's ParallelEnv (num_envs = 1) and the batched vector env on it.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "marl/host/plugin_registry.h"
#include "marl/host/vector_env.h"

namespace marl::python {

struct VectorEnvOptions {
  std::string plugin;              // a name, or a path to a plugin file
  std::vector<std::string> sets;   // "key=value" in TOML syntax, as `marl run --set env.key=value`
  std::string source;              // how errors name where the parameters came from
  int num_envs = 1;
  int threads = 1;
  uint64_t seed = 0;
  std::vector<std::filesystem::path> plugin_dirs;  // searched after the default path
};

class VectorEnvHandle {
 public:
  explicit VectorEnvHandle(const VectorEnvOptions& options);

  pybind11::dict spec() const;  // the EnvSpec as plain Python values
  const std::string& plugin_name() const { return plugin_name_; }
  int num_envs() const { return env_->num_envs(); }
  int num_agents() const { return env_->num_agents(); }

  // Every env restarts from `seed` (as a VectorEnv built with it), then reset().
  void reseed(uint64_t seed);
  void reset();
  void step();  // reads the actions arrays; throws InvalidActionError

  // Views of the core's buffers, valid as long as this object lives; the
  // next step() overwrites them. `self` keeps the owner alive.
  pybind11::object obs(pybind11::object self) const;          // [A, E, W] float32
  pybind11::object state(pybind11::object self) const;        // [E, S] float32 or None
  pybind11::object avail(pybind11::object self) const;        // [A, E, M] uint8 (1 = available) or None
  pybind11::object active(pybind11::object self) const;       // [A, E] uint8 or None
  pybind11::object is_first(pybind11::object self) const;     // [E] uint8
  pybind11::object reward(pybind11::object self) const;       // [A, E] float32 (after a step)
  pybind11::object terminated(pybind11::object self) const;   // [E] uint8
  pybind11::object truncated(pybind11::object self) const;    // [E] uint8
  pybind11::object final_obs(pybind11::object self) const;    // [A, E, W]; rows of ended envs
  pybind11::object final_state(pybind11::object self) const;  // [E, S] or None
  pybind11::object final_avail(pybind11::object self) const;  // [A, E, M] or None
  pybind11::object final_active(pybind11::object self) const; // [A, E] or None
  pybind11::object discrete_actions(pybind11::object self);   // [A, E] int64, writable
  pybind11::object continuous_actions(pybind11::object self); // [A, E, D] float32, writable or None

  pybind11::list finished_episodes();  // since the last call: dicts
  std::string render(int env) const;

 private:
  std::shared_ptr<LoadedPlugin> plugin_;
  std::string plugin_name_;
  VectorEnv::EnvFactory factory_;
  VectorEnvConfig config_;
  std::unique_ptr<VectorEnv> env_;
  bool stepped_ = false;
};

}  // namespace marl::python
