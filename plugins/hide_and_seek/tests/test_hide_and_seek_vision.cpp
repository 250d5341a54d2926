// The full-grid visibility of VisionModel::compute (a pruned walk over a
// prefix tree of rays) must equal the per-cell ray test of docs/hide-and-seek.md §9, for every
// observer and cell, in states reached by random play under each vision switch.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "ghns_game.h"
#include "ghns_vision.h"
#include "marl/rng.h"

namespace {
namespace hns = marl::hide_and_seek;

int count_mismatches(const hns::GhnsConfig& config, int episodes, long& compared, long& visible_cells,
                     long& elevated_views) {
  hns::Game game(config);
  hns::VisionModel reference(config);
  marl::SplitMix64 policy(99);
  std::vector<int> actions(static_cast<size_t>(config.n_agents()));
  int mismatches = 0;
  for (int e = 0; e < episodes; ++e) {
    game.reset(static_cast<uint64_t>(e));
    while (true) {
      // Climbs are rare under random play: raise a random agent now and then
      // (vision only reads the flag) to cover elevated observers and targets.
      const int raise = static_cast<int>(policy.below(static_cast<uint64_t>(2 * config.n_agents())));
      if (raise < config.n_agents()) {
        game.mutable_state().agents[static_cast<size_t>(raise)].elevated = true;
        game.refresh();
      }
      const hns::GameState& s = game.state();
      reference.update_blockers(s);
      for (int i = 0; i < s.n_agents(); ++i) {
        elevated_views += s.agents[static_cast<size_t>(i)].elevated;
        const uint8_t* fast = game.visibility(i);
        for (int y = 0; y < s.height; ++y)
          for (int x = 0; x < s.width; ++x) {
            const bool want = reference.visible(s, i, x, y);
            mismatches += (fast[s.cell(x, y)] != 0) != want;
            visible_cells += want;
            ++compared;
          }
      }
      if (game.done()) break;
      for (int& a : actions) a = static_cast<int>(policy.below(20));
      game.step(actions.data());
    }
  }
  return mismatches;
}

}  // namespace

TEST_CASE("hide_and_seek: full-grid visibility equals the per-cell ray test", "[hide_and_seek][vision]") {
  struct Case {
    const char* name;
    hns::GhnsConfig config;
  };
  std::vector<Case> cases;
  cases.push_back({"quadrant default", hns::GhnsConfig{}});
  hns::GhnsConfig rooms;
  rooms.scenario = hns::Scenario::RandomRooms;
  rooms.width = 14;
  rooms.height = 11;
  rooms.n_boxes_min = 3;
  rooms.n_boxes_max = 6;
  rooms.n_ramps = 3;
  rooms.horizon = 60;
  rooms.prep_steps = 10;
  rooms.vision_range = 6;
  cases.push_back({"random rooms, range 6", rooms});
  hns::GhnsConfig open = rooms;
  open.scenario = hns::Scenario::Empty;
  open.cone = false;
  open.agents_block_los = true;
  open.vision_range = 0;
  open.outside_walls = false;
  open.n_seekers = 3;
  cases.push_back({"empty, no cone, agents block, no outer walls", open});
  for (const Case& c : cases) {
    INFO(c.name);
    long compared = 0, visible = 0, elevated = 0;
    CHECK(count_mismatches(c.config, 6, compared, visible, elevated) == 0);
    CHECK(elevated > 100);
    CHECK(visible > compared / 20);  // the comparison is not vacuous
    CHECK(visible < compared);
  }
}
