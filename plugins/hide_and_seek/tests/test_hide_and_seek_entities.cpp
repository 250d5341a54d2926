// The entity observation (obs_mode = "entities", ghns_entities.h) on
// hand-built situations: its layout, what a seen entity looks like in the
// observer's frame, and that an unseen entity leaves no trace (the mask
// invariance a policy relies on).
#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <vector>

#include "arena.h"
#include "ghns_entities.h"
#include "ghns_observation.h"
#include "hide_and_seek_env.h"
#include "marl/testing/catch2_env_conformance.h"

namespace {

namespace hns = marl::hide_and_seek;
using hns::Game;
using hns::testing::arena_config;
using hns::testing::arrange;

constexpr int kV = 5;  // view_radius
constexpr int kWindow = (2 * kV + 1) * (2 * kV + 1);
constexpr int kAgents = hns::kSelfFeatures + kWindow;  // offset of the agent slots (2 agents: one slot)
constexpr int kObjects = kAgents + hns::kAgentEntityFeatures;

std::vector<float> observe(const hns::EntityObservationWriter& w, const Game& game, int agent) {
  std::vector<float> out(static_cast<size_t>(w.obs_size()), -1.0f);
  w.write_agent(game, agent, out.data());
  return out;
}

std::vector<float> slice(const std::vector<float>& v, int at, int n) {
  return std::vector<float>(v.begin() + at, v.begin() + at + n);
}

}  // namespace

TEST_CASE("hide_and_seek entities: the layout names self, walls, agents and objects", "[hide_and_seek][entities]") {
  hns::GhnsConfig c;  // quadrant defaults: 2 hiders, 2 seekers, 2 boxes, 1 ramp
  c.obs_mode = hns::ObsMode::Entities;
  const hns::HideAndSeekEnv env(c);
  const marl::EnvSpec& spec = env.spec();
  REQUIRE(spec.obs_layout.size() == 4);
  const int64_t sizes[] = {hns::kSelfFeatures, kWindow, 3 * hns::kAgentEntityFeatures, 3 * hns::kObjectEntityFeatures};
  const char* names[] = {"self", "walls", "agents", "objects"};
  int64_t at = 0;
  for (size_t k = 0; k < 4; ++k) {
    CHECK(spec.obs_layout[k].name == names[k]);
    CHECK(spec.obs_layout[k].offset == at);
    CHECK(spec.obs_layout[k].size() == sizes[k]);
    at += sizes[k];
  }
  CHECK(spec.obs_layout[2].mask_feature == 0);
  CHECK(spec.obs_layout[3].mask_feature == 0);
  CHECK(spec.agents[0].obs_size() == at);
  // The window mode declares its window as an image (10 channels of 11 x 11), then self.
  const auto window = hns::HideAndSeekEnv(hns::GhnsConfig{}).spec().obs_layout;
  REQUIRE(window.size() == 2);
  CHECK(window[0].name == "window");
  CHECK(window[0].count == hns::kWindowChannels);
  CHECK(window[0].image_width == 11);
  CHECK(window[1].offset == hns::kWindowChannels * kWindow);
}

TEST_CASE("hide_and_seek entities: seen entities in the observer's frame, unseen ones all zero", "[hide_and_seek][entities]") {
  hns::GhnsConfig c = arena_config();
  c.obs_mode = hns::ObsMode::Entities;
  Game game(c);
  game.reset(4);
  const hns::EntityObservationWriter writer(c);
  // Hider (agent 0) at (2,1) facing south; seeker (1) at (2,5) facing north;
  // the box between them at (2,3); the ramp at (5,5).
  arrange(game, {{2, 1, hns::kSouth}, {2, 5, hns::kNorth}}, {{2, 3, 0}, {5, 5, 0}});
  const std::vector<float> seeker = observe(writer, game, 1);
  const float unit = 1.0f / 7.0f;  // 1 / (max(W, H) - 1)

  // The hider is behind the box: its slot is all zeros.
  CHECK(slice(seeker, kAgents, hns::kAgentEntityFeatures) == std::vector<float>(hns::kAgentEntityFeatures, 0.0f));
  // The box, 2 cells ahead: visible, forward 2, right 0, a box, not locked.
  CHECK(slice(seeker, kObjects, hns::kObjectEntityFeatures) ==
        std::vector<float>{1.0f, 2 * unit, 0.0f, 1.0f, 0.0f, 0.0f, 0.0f});
  // The ramp at (5,5) is beside the seeker (east = its right), outside a
  // 67.5-degree cone around north: unseen.
  CHECK(slice(seeker, kObjects + hns::kObjectEntityFeatures, hns::kObjectEntityFeatures) ==
        std::vector<float>(hns::kObjectEntityFeatures, 0.0f));
  // Walls: the window's cell 1 ahead is floor (2,4), the cells past the
  // edge 5 ahead of (2,5) (y = 0) are walls; row v, column u with v = V - forward.
  const float* walls = seeker.data() + hns::kSelfFeatures;
  CHECK(walls[(kV - 1) * (2 * kV + 1) + kV] == 0.0f);
  CHECK(walls[(kV - 5) * (2 * kV + 1) + kV] == 1.0f);

  // Mask invariance: moving the unseen hider elsewhere behind the box
  // changes nothing the seeker observes.
  arrange(game, {{2, 2, hns::kEast}, {2, 5, hns::kNorth}}, {{2, 3, 0}, {5, 5, 0}});
  CHECK(observe(writer, game, 1) == seeker);

  // With the box gone (parked in the corner), the seeker sees the hider 3
  // ahead, facing east: a quarter turn clockwise from the seeker's north.
  arrange(game, {{2, 2, hns::kEast}, {2, 5, hns::kNorth}}, {{-1, 0, 0}, {5, 5, 0}});
  const std::vector<float> sees = observe(writer, game, 1);
  CHECK(slice(sees, kAgents, hns::kAgentEntityFeatures) ==
        std::vector<float>{1.0f, 3 * unit, 0.0f, 0.0f, 1.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f});
}

TEST_CASE("hide_and_seek entities: lock state is seen as locked, and by whose team", "[hide_and_seek][entities]") {
  hns::GhnsConfig c = arena_config();
  Game game(c);
  game.reset(2);
  const hns::EntityObservationWriter writer(c);
  // Both look at the box at (3,3) from its west and east sides.
  arrange(game, {{2, 3, hns::kEast}, {4, 3, hns::kWest}}, {{3, 3, 0}, {-1, 0, 0}});
  game.mutable_state().objects[0].locked = true;
  game.mutable_state().objects[0].locker = 0;  // the hider locked it
  game.refresh();
  const std::vector<float> hider = observe(writer, game, 0), seeker = observe(writer, game, 1);
  CHECK(slice(hider, kObjects, hns::kObjectEntityFeatures) ==
        std::vector<float>{1.0f, 1.0f / 7.0f, 0.0f, 1.0f, 0.0f, 1.0f, 1.0f});
  CHECK(slice(seeker, kObjects, hns::kObjectEntityFeatures) ==
        std::vector<float>{1.0f, 1.0f / 7.0f, 0.0f, 1.0f, 0.0f, 1.0f, 0.0f});
}

TEST_CASE("hide_and_seek entities: the env passes the conformance check in entity mode", "[hide_and_seek][conformance]") {
  for (const std::map<std::string, marl::ParamValue>& overrides :
       std::vector<std::map<std::string, marl::ParamValue>>{
           {{"obs_mode", std::string("entities")}},
           {{"obs_mode", std::string("entities")}, {"scenario", std::string("random_rooms")},
            {"n_boxes_min", int64_t{1}}, {"n_boxes_max", int64_t{4}}, {"rotate_window", false}}}) {
    const marl::Params params = marl::Params::defaults(hns::hide_and_seek_params(), overrides);
    marl::testing::ConformanceOptions options;
    options.env_name = "hide_and_seek";
    options.episodes = 4;
    marl::testing::check_env_conformance([params] { return std::make_shared<hns::HideAndSeekEnv>(params); }, options);
  }
}
