// Zero-copy views of marl::Batch / ActionBatch / Transition buffers.
#include "catch_torch.h"
#include <cstdint>
#include <numeric>
#include <vector>

#include "marl/error.h"
#include "marl/torch/batch_tensors.h"

namespace {

constexpr int kAgents = 3;
constexpr int kEnvs = 2;
constexpr int64_t kObs = 4;

struct Buffers {
  std::vector<float> obs = std::vector<float>(kAgents * kEnvs * kObs);
  std::vector<float> state = std::vector<float>(kEnvs * 5);
  std::vector<uint8_t> avail = std::vector<uint8_t>(kAgents * kEnvs * 6, 1);
  std::vector<uint8_t> is_first = std::vector<uint8_t>(kEnvs, 0);
  std::vector<uint8_t> active = std::vector<uint8_t>(kAgents * kEnvs, 1);
  std::vector<int64_t> discrete = std::vector<int64_t>(kAgents * kEnvs, -1);
  std::vector<float> continuous = std::vector<float>(kAgents * kEnvs * 3, -1.0f);
  marl::Batch batch;
  marl::ActionBatch actions;

  Buffers() {
    std::iota(obs.begin(), obs.end(), 0.0f);
    batch = {kAgents, kEnvs, kObs, obs.data(), 5, state.data(), 6, avail.data(), is_first.data()};
    batch.active = active.data();
    actions = {kAgents, kEnvs, discrete.data(), 3, continuous.data()};
  }
};

}  // namespace

TEST_CASE("batch and transition views alias the vector env buffers", "[torch][batch_tensors]") {
  SECTION("batch views alias the batch memory") {
    Buffers b;
    const marl::BatchTensors t = marl::batch_tensors(b.batch);
    CHECK(t.obs.sizes() == torch::IntArrayRef({kAgents, kEnvs, kObs}));
    CHECK(t.obs.data_ptr<float>() == b.obs.data());
    CHECK(t.state.data_ptr<float>() == b.state.data());
    CHECK(t.avail.sizes() == torch::IntArrayRef({kAgents, kEnvs, 6}));
    CHECK(t.avail.scalar_type() == torch::kUInt8);
    // Same element as Batch::agent_obs(agent 2, env 1), and later writes show through.
    CHECK(t.obs[2][1][3].item<float>() == b.batch.agent_obs(2, 1)[3]);
    b.obs[(2 * kEnvs + 1) * kObs + 3] = 99.0f;
    CHECK(t.obs[2][1][3].item<float>() == 99.0f);
  }
  SECTION("a team slice is a view of its agents rows") {
    Buffers b;
    const marl::BatchTensors team = marl::batch_tensors(b.batch).agents(1, 2);
    CHECK(team.obs.sizes() == torch::IntArrayRef({2, kEnvs, kObs}));
    CHECK(team.obs.data_ptr<float>() == b.batch.agent_obs(1, 0));
    CHECK(team.obs.is_contiguous());
    CHECK(team.avail.data_ptr<uint8_t>() == b.batch.agent_avail(1, 0));
    CHECK(team.state.data_ptr<float>() == b.state.data());  // state is shared by all agents
  }
  SECTION("active flags are an [A, E] uint8 view, sliced per team") {
    Buffers b;
    b.active[2 * kEnvs + 1] = 0;  // agent 2 is inactive in env 1
    const marl::BatchTensors t = marl::batch_tensors(b.batch);
    CHECK(t.active.sizes() == torch::IntArrayRef({kAgents, kEnvs}));
    CHECK(t.active.scalar_type() == torch::kUInt8);
    CHECK(t.active.data_ptr<uint8_t>() == b.active.data());
    CHECK(t.active[2][1].item<uint8_t>() == 0);
    CHECK_FALSE(b.batch.agent_active(2, 1));
    CHECK(b.batch.agent_active(2, 0));
    const marl::BatchTensors team = t.agents(1, 2);
    CHECK(team.active.sizes() == torch::IntArrayRef({2, kEnvs}));
    CHECK(team.active.data_ptr<uint8_t>() == b.active.data() + kEnvs);
    CHECK(team.active[1][1].item<uint8_t>() == 0);
  }
  SECTION("optional buffers give undefined tensors") {
    Buffers b;
    b.batch.state_size = 0;
    b.batch.state = nullptr;
    b.batch.avail_size = 0;
    b.batch.avail = nullptr;
    b.batch.active = nullptr;
    const marl::BatchTensors t = marl::batch_tensors(b.batch);
    CHECK_FALSE(t.state.defined());
    CHECK_FALSE(t.avail.defined());
    CHECK_FALSE(t.active.defined());
    CHECK_FALSE(t.agents(0, 2).active.defined());
    CHECK(b.batch.agent_active(0, 0));  // without masks every agent acts
    CHECK(t.obs.defined());
  }
  SECTION("transition views cover rewards, ends and final observations") {
    Buffers b;
    std::vector<float> reward(kAgents * kEnvs);
    std::iota(reward.begin(), reward.end(), 0.5f);
    std::vector<uint8_t> terminated{0, 1}, truncated{1, 0};
    std::vector<float> final_obs(kAgents * kEnvs * kObs, 7.0f), final_state(kEnvs * 5, 8.0f);
    marl::Transition tr{&b.batch,         &b.actions,       reward.data(),     terminated.data(),
                        truncated.data(), final_obs.data(), final_state.data()};
    const marl::TransitionTensors t = marl::transition_tensors(tr).agents(2, 1);
    CHECK(t.reward.sizes() == torch::IntArrayRef({1, kEnvs}));
    CHECK(t.reward[0][1].item<float>() == reward[2 * kEnvs + 1]);
    CHECK(t.terminated[1].item<uint8_t>() == 1);
    CHECK(t.truncated[0].item<uint8_t>() == 1);
    CHECK(t.final_obs.data_ptr<float>() == final_obs.data() + 2 * kEnvs * kObs);
    CHECK(t.next.obs.data_ptr<float>() == b.batch.agent_obs(2, 0));
  }
}

TEST_CASE("write_actions copies a team of actions into the action batch",
          "[torch][batch_tensors]") {
  SECTION("write_actions fills a teams discrete actions in one copy") {
    Buffers b;
    const torch::Tensor actions = torch::tensor({{10, 11}, {20, 21}}, torch::kInt64);
    marl::write_actions(b.actions, 1, actions);
    CHECK(b.actions.agent_discrete(0, 0) == -1);  // agent 0 untouched
    CHECK(b.actions.agent_discrete(0, 1) == -1);
    CHECK(b.actions.agent_discrete(1, 0) == 10);
    CHECK(b.actions.agent_discrete(1, 1) == 11);
    CHECK(b.actions.agent_discrete(2, 0) == 20);
    CHECK(b.actions.agent_discrete(2, 1) == 21);
    CHECK(marl::action_tensors(b.actions).discrete.data_ptr<int64_t>() == b.discrete.data());
  }
  SECTION("write_actions fills the first d box columns") {
    Buffers b;
    const torch::Tensor actions =
        torch::arange(1, 1 + kAgents * kEnvs * 2, torch::kFloat32).reshape({kAgents, kEnvs, 2});
    marl::write_actions(b.actions, 0, actions);
    const float* a21 = b.actions.agent_continuous(2, 1);
    CHECK(a21[0] == actions[2][1][0].item<float>());
    CHECK(a21[1] == actions[2][1][1].item<float>());
    CHECK(a21[2] == -1.0f);  // the third column belongs to wider agents
  }
  SECTION("write_actions rejects shapes that do not fit") {
    Buffers b;
    CHECK_THROWS_AS(marl::write_actions(b.actions, 2, torch::zeros({2, kEnvs}, torch::kInt64)),
                    marl::ContractError);
    CHECK_THROWS_AS(marl::write_actions(b.actions, 0, torch::zeros({1, kEnvs, 4})),
                    marl::ContractError);
  }
}
