// Test fixture: an algorithm that always chooses action n (one past the end).
#include <istream>
#include <ostream>

#include "marl/algorithm.h"
#include "marl/plugin.h"

namespace {

class BadActions : public marl::Algorithm {
 public:
  explicit BadActions(const marl::AlgorithmContext& context) : spec_(context.env) {}
  void act(const marl::Batch& obs, marl::ActionBatch& actions, marl::ActMode) override {
    for (int a = 0; a < obs.num_agents; ++a) {
      for (int e = 0; e < obs.num_envs; ++e) actions.agent_discrete(a, e) = spec_.agents[a].action.n;
    }
  }
  void observe(const marl::Transition&) override {}
  bool ready_to_train() const override { return false; }
  void train(std::vector<double>&) override {}
  void save(std::ostream&) const override {}
  void load(std::istream&) override {}

 private:
  marl::EnvSpec spec_;
};

}  // namespace

MARL_ALGORITHM_PLUGIN("bad_actions", "0.0.1", "test fixture: out-of-range actions", BadActions,
                      marl::ParamSpecList{})
