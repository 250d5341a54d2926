#include "ghns_game.h"

#include <algorithm>
#include <cstdlib>

namespace marl::hide_and_seek {

Game::Game(const GhnsConfig& config) : config_(config), generator_(config), vision_(config) {
  const size_t n = static_cast<size_t>(config.n_agents());
  generator_.allocate(state_);
  visibility_.assign(n * static_cast<size_t>(config.cells()), 0);
  move_.assign(n, 0);
  pull_.assign(n, 0);
  lock_.assign(n, 0);
  moved_.assign(static_cast<size_t>(config.max_objects()), 0);
  flags_.assign(n, 0);
  rewards_.assign(n, 0.0f);
  selfish_.assign(n, 0.0);
}

void Game::reset(uint64_t seed) {
  SplitMix64 rng(seed);
  generator_.generate(rng, state_);
  in_prep_ = false;
  events_ = StepEvents{};
  std::fill(rewards_.begin(), rewards_.end(), 0.0f);
  refresh();
}

void Game::refresh() {
  vision_.update_blockers(state_);
  for (int i = 0; i < state_.n_agents(); ++i)
    vision_.compute(state_, i, visibility_.data() + static_cast<size_t>(i) * static_cast<size_t>(config_.cells()));
  compute_flags();
}

void Game::step(const int* actions) {
  GameState& s = state_;
  s.t += 1;
  in_prep_ = s.t <= config_.prep_steps;
  events_ = StepEvents{};
  for (int i = 0; i < s.n_agents(); ++i) {
    int a = actions[i];
    if (in_prep_ && s.agents[static_cast<size_t>(i)].team == kSeekers) a = 0;
    move_[static_cast<size_t>(i)] = static_cast<uint8_t>(a % 5);
    pull_[static_cast<size_t>(i)] = static_cast<uint8_t>((a / 5) % 2);
    lock_[static_cast<size_t>(i)] = static_cast<uint8_t>(a / 10);
  }
  // visibility_ still describes the pre-step state: what the agents observed.
  decide_grabs();
  apply_locks();
  std::fill(moved_.begin(), moved_.end(), 0);
  const int n = s.n_agents();
  for (int k = 0; k < n; ++k) move_agent((s.t - 1 + k) % n);
  refresh();
  compute_rewards();
}

void Game::decide_grabs() {
  GameState& s = state_;
  for (int i = 0; i < s.n_agents(); ++i) {
    AgentState& a = s.agents[static_cast<size_t>(i)];
    a.grab = -1;
    if (!pull_[static_cast<size_t>(i)] || a.elevated) continue;
    const uint8_t* vis = visibility(i);
    for (int k = 0; k < s.n_objects(); ++k) {
      const GameObject& o = s.objects[static_cast<size_t>(k)];
      if (std::abs(o.x - a.x) + std::abs(o.y - a.y) != 1) continue;
      const int c = s.cell(o.x, o.y);
      if (s.agent_at[static_cast<size_t>(c)] >= 0) continue;
      if (config_.grab_needs_vision && !vis[c]) continue;
      a.grab = k;
      break;
    }
  }
}

void Game::apply_locks() {
  GameState& s = state_;
  for (int k = 0; k < s.n_objects(); ++k) {
    GameObject& o = s.objects[static_cast<size_t>(k)];
    if (o.kind == kRamp && !config_.lock_ramps) continue;
    const int c = s.cell(o.x, o.y);
    const uint8_t locker_team = s.agents[static_cast<size_t>(o.locker)].team;
    int first_want = -1;
    bool veto = false;
    for (int i = 0; i < s.n_agents(); ++i) {
      const AgentState& a = s.agents[static_cast<size_t>(i)];
      if (std::abs(o.x - a.x) + std::abs(o.y - a.y) > 1) continue;
      if (config_.lock_needs_vision && !visibility(i)[c]) continue;
      if (lock_[static_cast<size_t>(i)]) {
        if (first_want < 0) first_want = i;
      } else if (a.team == locker_team) {
        veto = true;
      }
    }
    const bool lock = first_want >= 0 && !veto;
    const bool was_locked = o.locked;
    if (lock && !o.locked) o.locker = first_want;
    o.locked = (o.locked && !veto) || lock;
    if (!was_locked && o.locked) events_.lock_events[s.agents[static_cast<size_t>(o.locker)].team] += 1;
    if (was_locked && !o.locked) events_.unlock_events[locker_team] += 1;
  }
}

void Game::place_agent(int agent, int x, int y) {
  AgentState& a = state_.agents[static_cast<size_t>(agent)];
  state_.agent_at[static_cast<size_t>(state_.cell(a.x, a.y))] = -1;
  a.x = x;
  a.y = y;
  state_.agent_at[static_cast<size_t>(state_.cell(x, y))] = static_cast<int16_t>(agent);
}

void Game::place_object(int object, int x, int y) {
  GameObject& o = state_.objects[static_cast<size_t>(object)];
  // The caller moves the agent afterwards, so clearing only if we still own the cell matters.
  int16_t& from = state_.object_at[static_cast<size_t>(state_.cell(o.x, o.y))];
  if (from == object) from = -1;
  o.x = x;
  o.y = y;
  state_.object_at[static_cast<size_t>(state_.cell(x, y))] = static_cast<int16_t>(object);
}

bool Game::grabbed_by_other(int object, int agent) const {
  for (int j = 0; j < state_.n_agents(); ++j)
    if (j != agent && state_.agents[static_cast<size_t>(j)].grab == object) return true;
  return false;
}

void Game::count_object_move(int object) {
  moved_[static_cast<size_t>(object)] = 1;
  if (state_.objects[static_cast<size_t>(object)].kind == kBox) events_.box_moves += 1;
  else events_.ramp_moves += 1;
}

void Game::move_agent(int agent) {
  GameState& s = state_;
  const int m = move_[static_cast<size_t>(agent)];
  if (m == kStay) return;
  AgentState& a = s.agents[static_cast<size_t>(agent)];
  a.facing = m;
  const int dx = kDirX[m], dy = kDirY[m];
  const int qx = a.x + dx, qy = a.y + dy;

  const int g = a.grab;
  if (g >= 0 && !moved_[static_cast<size_t>(g)]) {
    const GameObject& o = s.objects[static_cast<size_t>(g)];
    if (o.locked || s.agent_at[static_cast<size_t>(s.cell(o.x, o.y))] >= 0) return;
    const int rx = o.x + dx, ry = o.y + dy;
    const bool agent_ok = (qx == o.x && qy == o.y) || s.empty_floor(qx, qy);
    const bool object_ok = (rx == a.x && ry == a.y && s.object_at[static_cast<size_t>(s.cell(a.x, a.y))] < 0) ||
                           s.empty_floor(rx, ry);
    if (!agent_ok || !object_ok) return;
    place_object(g, rx, ry);
    place_agent(agent, qx, qy);
    count_object_move(g);
    events_.pulls += 1;
    return;
  }

  if (!s.in_grid(qx, qy)) return;
  const int q = s.cell(qx, qy);
  if (s.agent_at[static_cast<size_t>(q)] >= 0) return;
  const uint8_t wall = s.wall[static_cast<size_t>(q)];
  if (wall == kOuterWall) return;
  const int under = s.object_at[static_cast<size_t>(s.cell(a.x, a.y))];
  const bool on_ramp = under >= 0 && s.objects[static_cast<size_t>(under)].kind == kRamp;
  auto climb_to = [&]() {
    if (!a.elevated) events_.climbs += 1;
    a.elevated = true;
    place_agent(agent, qx, qy);
  };
  if (wall == kInnerWall) {
    if (a.elevated || on_ramp) climb_to();
    return;
  }
  const int target = s.object_at[static_cast<size_t>(q)];
  if (target >= 0 && s.objects[static_cast<size_t>(target)].kind == kBox) {
    if (a.elevated || on_ramp) {
      climb_to();
      return;
    }
    const GameObject& box = s.objects[static_cast<size_t>(target)];
    if (!config_.push_boxes || box.locked || moved_[static_cast<size_t>(target)] ||
        grabbed_by_other(target, agent) || !s.empty_floor(qx + dx, qy + dy))
      return;
    place_object(target, qx + dx, qy + dy);
    place_agent(agent, qx, qy);
    count_object_move(target);
    events_.pushes += 1;
    return;
  }
  a.elevated = false;
  place_agent(agent, qx, qy);
}

void Game::compute_flags() {
  const GameState& s = state_;
  any_hider_seen_ = false;
  for (int i = 0; i < s.n_agents(); ++i) {
    const AgentState& a = s.agents[static_cast<size_t>(i)];
    bool flag = false;
    for (int j = 0; j < s.n_agents() && !flag; ++j) {
      const AgentState& b = s.agents[static_cast<size_t>(j)];
      if (b.team == a.team) continue;
      // Hider i is seen if seeker j sees it; seeker i sees if it sees hider j.
      flag = a.team == kHiders ? visibility(j)[s.cell(a.x, a.y)] != 0 : visibility(i)[s.cell(b.x, b.y)] != 0;
    }
    flags_[static_cast<size_t>(i)] = flag ? 1 : 0;
    if (flag && a.team == kHiders) any_hider_seen_ = true;
  }
}

void Game::compute_rewards() {
  const GameState& s = state_;
  const int n = s.n_agents();
  double team_sum[2] = {0.0, 0.0};
  double team_min[2] = {1.0, 1.0};
  double team_max[2] = {-1.0, -1.0};
  for (int i = 0; i < n; ++i) {
    const uint8_t team = s.agents[static_cast<size_t>(i)].team;
    const bool flag = flags_[static_cast<size_t>(i)] != 0;
    const double value = team == kHiders ? (flag ? -1.0 : 1.0) : (flag ? 1.0 : -1.0);
    selfish_[static_cast<size_t>(i)] = value;
    team_sum[team] += value;
    team_min[team] = std::min(team_min[team], value);
    team_max[team] = std::max(team_max[team], value);
  }
  const double team_size[2] = {static_cast<double>(config_.n_hiders), static_cast<double>(config_.n_seekers)};
  bool objects_out = false;
  if (config_.has_restrict_rect && config_.penalize_objects_out)
    for (const GameObject& o : s.objects)
      if (!config_.restrict_rect.contains(o.x, o.y)) objects_out = true;
  for (int i = 0; i < n; ++i) {
    const AgentState& a = s.agents[static_cast<size_t>(i)];
    double r = selfish_[static_cast<size_t>(i)];
    if (config_.rew_type == RewardType::JointZeroSum) r = a.team == kHiders ? team_min[kHiders] : team_max[kSeekers];
    else if (config_.rew_type == RewardType::JointMean) r = team_sum[a.team] / team_size[a.team];
    r *= config_.reward_scale;
    if (config_.has_restrict_rect) {
      if (objects_out) r = -config_.restrict_penalty;
      if (!config_.restrict_rect.contains(a.x, a.y)) r = -config_.restrict_penalty;
    }
    if (in_prep_) r = 0.0;
    rewards_[static_cast<size_t>(i)] = static_cast<float>(r);
  }
}

}  // namespace marl::hide_and_seek
