// Hand-built situations for the GHNS v1 rules (docs/hide-and-seek.md §7-10): each test sets up
// a tiny empty map, places agents and objects, steps, and checks one rule.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "arena.h"
#include "ghns_game.h"
#include "ghns_metrics.h"

namespace {

namespace hns = marl::hide_and_seek;
using hns::Game;
using hns::GameState;
using hns::testing::arena_config;
using hns::testing::arrange;

int act(int move, bool pull = false, bool lock = false) { return move + (pull ? 5 : 0) + (lock ? 10 : 0); }

}  // namespace

TEST_CASE("hide_and_seek: walking into an unlocked box pushes it but a locked box stays put", "[hide_and_seek]") {
  Game game(arena_config());
  game.reset(1);
  arrange(game, {{2, 3, hns::kEast}, {1, 1, hns::kSouth}}, {{3, 3, 0}, {-1, 0, 0}});
  int actions[2] = {act(hns::kEast), act(hns::kStay)};
  game.step(actions);
  const GameState& s = game.state();
  CHECK(s.agents[0].x == 3);
  CHECK(s.objects[0].x == 4);
  CHECK(game.events().pushes == 1);
  CHECK(game.events().box_moves == 1);

  actions[0] = act(hns::kStay, false, true);  // lock the box in front
  game.step(actions);
  REQUIRE(s.objects[0].locked);
  CHECK(s.objects[0].locker == 0);
  CHECK(game.events().lock_events[hns::kHiders] == 1);

  actions[0] = act(hns::kEast, false, true);  // keep locking (lock = 0 here would unlock it)
  game.step(actions);
  CHECK(s.agents[0].x == 3);
  CHECK(s.objects[0].x == 4);
  CHECK(s.agents[0].facing == hns::kEast);
}

TEST_CASE("hide_and_seek: pulling moves a grabbed box along with the agent", "[hide_and_seek]") {
  Game game(arena_config());
  game.reset(2);
  arrange(game, {{3, 3, hns::kEast}, {1, 6, hns::kWest}}, {{4, 3, 0}, {-1, 0, 0}});
  int actions[2] = {act(hns::kWest, true), act(hns::kStay)};
  game.step(actions);
  const GameState& s = game.state();
  CHECK(s.agents[0].grab == 0);
  CHECK(s.agents[0].x == 2);
  CHECK(s.objects[0].x == 3);
  CHECK(s.agents[0].facing == hns::kWest);
  CHECK(game.events().pulls == 1);
  CHECK(game.events().pushes == 0);
}

TEST_CASE("hide_and_seek: only the locking team can unlock", "[hide_and_seek]") {
  Game game(arena_config());
  game.reset(3);
  // Hider west of the box facing it, seeker east of it facing it.
  arrange(game, {{2, 3, hns::kEast}, {4, 3, hns::kWest}}, {{3, 3, 0}, {-1, 0, 0}});
  const GameState& s = game.state();
  int actions[2] = {act(hns::kStay, false, true), act(hns::kStay)};
  game.step(actions);  // hider locks; the seeker's lock=0 is no veto (not the locker's team)
  REQUIRE(s.objects[0].locked);

  actions[0] = act(hns::kWest, false, true);  // walks away still locking (locks apply before moves)
  actions[1] = act(hns::kStay);
  game.step(actions);
  CHECK(s.objects[0].locked);
  actions[0] = act(hns::kStay);
  actions[1] = act(hns::kStay, false, true);
  game.step(actions);
  CHECK(s.objects[0].locked);
  CHECK(s.objects[0].locker == 0);

  actions[0] = act(hns::kEast);  // back next to the box, facing it
  actions[1] = act(hns::kStay);
  game.step(actions);
  actions[0] = act(hns::kStay);  // lock = 0 in range: the hiders' veto unlocks
  game.step(actions);
  CHECK_FALSE(s.objects[0].locked);
  CHECK(game.events().unlock_events[hns::kHiders] == 1);
}

TEST_CASE("hide_and_seek: boxes block sight unless the observer stands high and the cone limits it", "[hide_and_seek]") {
  Game game(arena_config());
  game.reset(4);
  // Seeker at (2,5) looking north at the hider (2,1); box between at (2,3).
  arrange(game, {{2, 1, hns::kSouth}, {2, 5, hns::kNorth}}, {{2, 3, 0}, {3, 6, 0}});
  CHECK_FALSE(game.flag(0));  // the box blocks the line of sight
  CHECK_FALSE(game.flag(1));

  // Put the ramp in front of the seeker: it steps onto the ramp, then climbs the box.
  GameState& s = game.mutable_state();
  s.object_at[static_cast<size_t>(s.cell(3, 6))] = -1;
  s.objects[1].x = 2;
  s.objects[1].y = 4;
  s.object_at[static_cast<size_t>(s.cell(2, 4))] = 1;
  game.refresh();
  hns::EpisodeMetrics metrics(arena_config());
  metrics.begin(game);
  int actions[2] = {act(hns::kStay), act(hns::kNorth)};
  game.step(actions);  // onto the ramp (ground level)
  metrics.record_step(game);
  CHECK(s.agents[1].y == 4);
  CHECK_FALSE(s.agents[1].elevated);
  game.step(actions);  // from the ramp onto the box: elevated
  metrics.record_step(game);
  CHECK(s.agents[1].y == 3);
  CHECK(s.agents[1].elevated);
  CHECK(game.events().climbs == 1);
  CHECK(game.flag(0));  // seen from above
  CHECK(game.reward(0) == -1.0f);
  CHECK(game.reward(1) == 1.0f);

  actions[1] = act(hns::kSouth);  // jump down, now facing away
  game.step(actions);
  metrics.record_step(game);
  CHECK_FALSE(s.agents[1].elevated);
  CHECK_FALSE(game.flag(0));
  CHECK(game.reward(0) == 1.0f);
  CHECK(game.reward(1) == -1.0f);
  // One of the 20 seek steps had an elevated seeker seeing a hider (ramp use that pays).
  std::vector<double> values(metrics.names().size());
  metrics.write(values.data());
  const auto at = std::find(metrics.names().begin(), metrics.names().end(), "elevated_seeker_sees_frac");
  REQUIRE(at != metrics.names().end());
  CHECK(values[static_cast<size_t>(at - metrics.names().begin())] == 1.0 / 20.0);
}

TEST_CASE("hide_and_seek: seekers are frozen and rewards are zero during preparation", "[hide_and_seek]") {
  hns::GhnsConfig config;  // the default quadrant game, prep_steps = 32
  Game game(config);
  game.reset(5);
  const GameState& s = game.state();
  std::vector<int> actions(static_cast<size_t>(config.n_agents()), act(hns::kStay));
  const std::vector<hns::AgentState> start = s.agents;
  for (int t = 1; t <= config.prep_steps; ++t) {
    for (int i = config.n_hiders; i < config.n_agents(); ++i)
      actions[static_cast<size_t>(i)] = act(1 + (s.agents[static_cast<size_t>(i)].facing % 4), true, true);
    game.step(actions.data());
    REQUIRE(game.in_prep());
    for (int i = 0; i < config.n_agents(); ++i) REQUIRE(game.reward(i) == 0.0f);
  }
  for (int i = config.n_hiders; i < config.n_agents(); ++i) {
    CHECK(s.agents[static_cast<size_t>(i)].x == start[static_cast<size_t>(i)].x);
    CHECK(s.agents[static_cast<size_t>(i)].facing == start[static_cast<size_t>(i)].facing);
  }
  game.step(actions.data());  // t = prep + 1: the seekers turn (facing changes even when blocked)
  CHECK_FALSE(game.in_prep());
  for (int i = config.n_hiders; i < config.n_agents(); ++i)
    CHECK(s.agents[static_cast<size_t>(i)].facing != start[static_cast<size_t>(i)].facing);
  const float hider_reward = game.any_hider_seen() ? -1.0f : 1.0f;
  for (int i = 0; i < config.n_agents(); ++i)
    CHECK(game.reward(i) == (i < config.n_hiders ? hider_reward : -hider_reward));
}
