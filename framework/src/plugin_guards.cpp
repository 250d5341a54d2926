#include "plugin_guards.h"

#include <stdexcept>
#include <string>

#include "marl/error.h"

namespace marl {

namespace {

// Rethrows the exception being handled as a core-owned exception of the same kind.
[[noreturn]] void rethrow_core_owned() {
  try {
    throw;
  } catch (const ConfigError& e) {
    throw ConfigError(std::string(e.what()));
  } catch (const InvalidActionError& e) {
    throw InvalidActionError(std::string(e.what()));
  } catch (const ContractError& e) {
    throw ContractError(std::string(e.what()));
  } catch (const PluginError& e) {
    throw PluginError(std::string(e.what()));
  } catch (const Error& e) {
    throw Error(std::string(e.what()));
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string(e.what()));
  } catch (...) {
    throw std::runtime_error("a plugin threw something that is not a std::exception");
  }
}

template <typename F>
auto guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (...) {
    rethrow_core_owned();
  }
}

// Every virtual of Environment and Algorithm must be forwarded below: one
// left out silently falls back to the base class's default for every plugin.
class GuardedEnvironment final : public Environment {
 public:
  explicit GuardedEnvironment(std::shared_ptr<Environment> inner) : inner_(std::move(inner)) {}
  const EnvSpec& spec() const override { return inner_->spec(); }
  void reset(uint64_t seed, const StepOutput& out) override {
    guarded([&] { inner_->reset(seed, out); });
  }
  StepStatus step(const ActionInput& actions, const StepOutput& out) override {
    return guarded([&] { return inner_->step(actions, out); });
  }
  void episode_metrics(double* out) const override {
    guarded([&] { inner_->episode_metrics(out); });
  }
  bool describe_frame(Frame& frame) const override {
    return guarded([&] { return inner_->describe_frame(frame); });
  }
  std::string render() const override {
    return guarded([&] { return inner_->render(); });
  }

 private:
  std::shared_ptr<Environment> inner_;
};

class GuardedAlgorithm final : public Algorithm {
 public:
  explicit GuardedAlgorithm(std::shared_ptr<Algorithm> inner) : inner_(std::move(inner)) {}
  std::vector<std::string> metric_names() const override {
    return guarded([&] { return inner_->metric_names(); });
  }
  void act(const Batch& obs, ActionBatch& actions, ActMode mode) override {
    guarded([&] { inner_->act(obs, actions, mode); });
  }
  void observe(const Transition& transition) override {
    guarded([&] { inner_->observe(transition); });
  }
  bool ready_to_train() const override {
    return guarded([&] { return inner_->ready_to_train(); });
  }
  void train(std::vector<double>& metrics) override {
    guarded([&] { inner_->train(metrics); });
  }
  std::vector<GemmShape> update_gemms() const override {
    return guarded([&] { return inner_->update_gemms(); });
  }
  bool ready_in_lockstep() const override {
    return guarded([&] { return inner_->ready_in_lockstep(); });
  }
  uint64_t parameter_digest() const override {
    return guarded([&] { return inner_->parameter_digest(); });
  }
  void begin_evaluation() override {
    guarded([&] { inner_->begin_evaluation(); });
  }
  void save(std::ostream& out) const override {
    guarded([&] { inner_->save(out); });
  }
  void load(std::istream& in) override {
    guarded([&] { inner_->load(in); });
  }
  void save_policy(std::ostream& out) const override {
    guarded([&] { inner_->save_policy(out); });
  }

 private:
  std::shared_ptr<Algorithm> inner_;
};

}  // namespace

std::shared_ptr<Environment> guard_environment(std::shared_ptr<Environment> env) {
  return std::make_shared<GuardedEnvironment>(std::move(env));
}

std::shared_ptr<Algorithm> guard_algorithm(std::shared_ptr<Algorithm> algorithm) {
  return std::make_shared<GuardedAlgorithm>(std::move(algorithm));
}

}  // namespace marl
