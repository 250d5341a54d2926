#include "vector_env_handle.h"

#include "marl/error.h"

namespace py = pybind11;

namespace marl::python {

namespace {

// A numpy array over `data` (not copied), kept alive by `owner`.
template <typename T>
py::object view(const T* data, std::vector<py::ssize_t> shape, const py::object& owner, bool writable = false) {
  if (data == nullptr) return py::none();
  std::vector<py::ssize_t> strides(shape.size());
  py::ssize_t stride = sizeof(T);
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = stride;
    stride *= shape[i];
  }
  py::array_t<T> array(shape, strides, data, owner);
  if (!writable) py::detail::array_proxy(array.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return std::move(array);
}

py::dict action_dict(const ActionSpace& space) {
  py::dict d;
  d["kind"] = space.is_discrete() ? "discrete" : "box";
  d["n"] = space.n;
  d["low"] = space.low;
  d["high"] = space.high;
  return d;
}

}  // namespace

VectorEnvHandle::VectorEnvHandle(const VectorEnvOptions& options) {
  const PluginRegistry registry(PluginRegistry::default_search_path(options.plugin_dirs));
  plugin_ = registry.load_name_or_file(PluginKind::Env, options.plugin);
  plugin_name_ = plugin_->record().name;
  const Params params = env_params_from_sets(*plugin_, options.sets, options.source);
  VectorEnvConfig& config = config_;
  config.num_envs = options.num_envs;
  config.threads = options.threads;
  config.seed = options.seed;
  config.env_name = plugin_name_;
  if (options.num_envs < 1) throw ConfigError(options.source + ": num_envs must be at least 1, got " +
                                              std::to_string(options.num_envs));
  if (options.threads < 0) throw ConfigError(options.source + ": threads must be 0 (all cores) or more, got " +
                                             std::to_string(options.threads));
  std::shared_ptr<LoadedPlugin> plugin = plugin_;
  factory_ = [plugin, params] { return plugin->make_env(params); };
  env_ = std::make_unique<VectorEnv>(factory_, config_);
}

void VectorEnvHandle::reseed(uint64_t seed) {
  py::gil_scoped_release release;
  config_.seed = seed;
  env_ = std::make_unique<VectorEnv>(factory_, config_);
  env_->reset();
  stepped_ = false;
}

py::dict VectorEnvHandle::spec() const {
  const EnvSpec& s = env_->spec();
  py::dict d;
  d["name"] = plugin_name_;
  d["teams"] = s.teams;
  py::list agents;
  for (const AgentSpec& a : s.agents) {
    py::dict agent;
    agent["name"] = a.name;
    agent["team"] = a.team;
    agent["obs_shape"] = a.obs_shape;
    agent["action"] = action_dict(a.action);
    agents.append(agent);
  }
  d["agents"] = agents;
  d["state_shape"] = s.state_shape;
  d["has_avail_actions"] = s.has_avail_actions;
  d["has_active_masks"] = s.has_active_masks;
  d["episode_limit"] = s.episode_limit;
  d["episode_metrics"] = s.episode_metrics;
  d["obs_width"] = s.max_obs_size();
  d["avail_width"] = s.max_discrete_actions();
  d["action_dim"] = s.max_action_dim();
  py::list layout;
  for (const ObsSegment& seg : s.obs_layout) {
    py::dict g;
    g["name"] = seg.name;
    g["offset"] = seg.offset;
    g["count"] = seg.count;
    g["features"] = seg.features;
    g["mask_feature"] = seg.mask_feature;
    g["image_width"] = seg.image_width;
    layout.append(g);
  }
  d["obs_layout"] = layout;
  return d;
}

void VectorEnvHandle::reset() {
  py::gil_scoped_release release;
  env_->reset();
  stepped_ = false;
}

void VectorEnvHandle::step() {
  {
    py::gil_scoped_release release;  // other Python threads run while the envs step
    env_->step();
  }
  stepped_ = true;
}

py::object VectorEnvHandle::obs(py::object self) const {
  const Batch& b = env_->batch();
  return view(b.obs, {b.num_agents, b.num_envs, b.obs_size}, self);
}
py::object VectorEnvHandle::state(py::object self) const {
  const Batch& b = env_->batch();
  return view(b.state, {b.num_envs, b.state_size}, self);
}
py::object VectorEnvHandle::avail(py::object self) const {
  const Batch& b = env_->batch();
  return view(b.avail, {b.num_agents, b.num_envs, b.avail_size}, self);
}
py::object VectorEnvHandle::active(py::object self) const {
  const Batch& b = env_->batch();
  return view(b.active, {b.num_agents, b.num_envs}, self);
}
py::object VectorEnvHandle::is_first(py::object self) const {
  const Batch& b = env_->batch();
  return view(b.is_first, {b.num_envs}, self);
}
py::object VectorEnvHandle::reward(py::object self) const {
  if (!stepped_) return py::none();
  const Transition& t = env_->last_transition();
  return view(t.reward, {num_agents(), num_envs()}, self);
}
py::object VectorEnvHandle::terminated(py::object self) const {
  if (!stepped_) return py::none();
  return view(env_->last_transition().terminated, {num_envs()}, self);
}
py::object VectorEnvHandle::truncated(py::object self) const {
  if (!stepped_) return py::none();
  return view(env_->last_transition().truncated, {num_envs()}, self);
}
py::object VectorEnvHandle::final_obs(py::object self) const {
  if (!stepped_) return py::none();
  const Batch& b = env_->batch();
  return view(env_->last_transition().final_obs, {b.num_agents, b.num_envs, b.obs_size}, self);
}
py::object VectorEnvHandle::final_state(py::object self) const {
  if (!stepped_) return py::none();
  const Batch& b = env_->batch();
  return view(env_->last_transition().final_state, {b.num_envs, b.state_size}, self);
}
py::object VectorEnvHandle::final_avail(py::object self) const {
  if (!stepped_) return py::none();
  const Batch& b = env_->batch();
  return view(env_->last_transition().final_avail, {b.num_agents, b.num_envs, b.avail_size}, self);
}
py::object VectorEnvHandle::final_active(py::object self) const {
  if (!stepped_) return py::none();
  const Batch& b = env_->batch();
  return view(env_->last_transition().final_active, {b.num_agents, b.num_envs}, self);
}
py::object VectorEnvHandle::discrete_actions(py::object self) {
  const ActionBatch& a = env_->actions();
  return view(a.discrete, {a.num_agents, a.num_envs}, self, true);
}
py::object VectorEnvHandle::continuous_actions(py::object self) {
  const ActionBatch& a = env_->actions();
  if (a.action_dim == 0) return py::none();
  return view(a.continuous, {a.num_agents, a.num_envs, a.action_dim}, self, true);
}

py::list VectorEnvHandle::finished_episodes() {
  py::list out;
  for (const EpisodeRecord& r : env_->finished_episodes()) {
    py::dict d;
    d["env"] = r.env;
    d["length"] = r.length;
    d["agent_returns"] = r.agent_returns;
    py::dict metrics;
    const auto& names = env_->spec().episode_metrics;
    for (size_t i = 0; i < names.size() && i < r.metrics.size(); ++i) metrics[py::str(names[i])] = r.metrics[i];
    d["metrics"] = metrics;
    d["terminated"] = r.terminated;
    out.append(d);
  }
  env_->finished_episodes().clear();
  return out;
}

std::string VectorEnvHandle::render(int env) const {
  if (env < 0 || env >= num_envs()) {
    throw py::index_error("env " + std::to_string(env) + " out of range [0, " + std::to_string(num_envs()) + ")");
  }
  return env_->env(env).render();
}

}  // namespace marl::python
