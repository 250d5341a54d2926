#include "ghns_entities.h"

#include <algorithm>
#include <cstring>

#include "ghns_observation.h"

namespace marl::hide_and_seek {

EntityObservationWriter::EntityObservationWriter(const GhnsConfig& config) : config_(config) {
  const int S = config.window_side();
  window_cells_ = S * S;
  scale_ = 1.0f / static_cast<float>(std::max(1, std::max(config.width, config.height) - 1));
  for (int facing = 1; facing <= 4; ++facing) window_offsets(config, facing, window_dx_[facing], window_dy_[facing]);
  int64_t at = 0;
  auto add = [&](const char* name, int64_t count, int64_t features, int64_t mask) {
    layout_.push_back({name, at, count, features, mask});
    at += count * features;
  };
  add("self", 1, kSelfFeatures, -1);
  add("walls", 1, window_cells_, -1);
  add("agents", config.n_agents() - 1, kAgentEntityFeatures, 0);
  add("objects", config.max_objects(), kObjectEntityFeatures, 0);
  obs_size_ = at;
}

void EntityObservationWriter::relative(int dx, int dy, int facing, float& forward, float& right) const {
  if (!config_.rotate_window) {
    forward = static_cast<float>(dx) * scale_;
    right = static_cast<float>(dy) * scale_;
    return;
  }
  const int fx = kDirX[facing], fy = kDirY[facing];
  forward = static_cast<float>(dx * fx + dy * fy) * scale_;
  right = static_cast<float>(dx * -fy + dy * fx) * scale_;
}

void EntityObservationWriter::write_agent(const Game& game, int agent, float* out) const {
  const GameState& s = game.state();
  const AgentState& me = s.agents[static_cast<size_t>(agent)];
  const uint8_t* vis = game.visibility(agent);
  std::memset(out, 0, static_cast<size_t>(obs_size_) * sizeof(float));

  write_self_features(config_, s, agent, out + layout_[0].offset);

  float* walls = out + layout_[1].offset;
  const int32_t* wdx = window_dx_[me.facing].data();
  const int32_t* wdy = window_dy_[me.facing].data();
  for (int idx = 0; idx < window_cells_; ++idx) {
    const int x = me.x + wdx[idx], y = me.y + wdy[idx];
    walls[idx] = !s.in_grid(x, y) || s.wall[static_cast<size_t>(s.cell(x, y))] != kFloor ? 1.0f : 0.0f;
  }

  float* slot = out + layout_[2].offset;
  for (int j = 0; j < s.n_agents(); ++j) {
    if (j == agent) continue;
    const AgentState& other = s.agents[static_cast<size_t>(j)];
    if (vis[s.cell(other.x, other.y)] != 0) {
      slot[0] = 1.0f;
      relative(other.x - me.x, other.y - me.y, me.facing, slot[1], slot[2]);
      // Facings 1..4 clockwise: the other's relative to mine, 0 = the same way.
      const int facing = config_.rotate_window ? (other.facing - me.facing + 4) % 4 : other.facing - 1;
      slot[3 + facing] = 1.0f;
      slot[7] = other.team == me.team ? 1.0f : 0.0f;
      slot[8] = other.elevated ? 1.0f : 0.0f;
      slot[9] = other.grab >= 0 ? 1.0f : 0.0f;
    }
    slot += kAgentEntityFeatures;
  }

  float* objects = out + layout_[3].offset;
  for (int k = 0; k < s.n_objects(); ++k) {
    const GameObject& o = s.objects[static_cast<size_t>(k)];
    // Boxes fill slots 0.., ramps start after the n_boxes_max box slots.
    const int index = o.kind == kBox ? k : config_.n_boxes_max + (k - s.n_boxes);
    float* f = objects + static_cast<size_t>(index) * kObjectEntityFeatures;
    if (vis[s.cell(o.x, o.y)] == 0) continue;
    f[0] = 1.0f;
    relative(o.x - me.x, o.y - me.y, me.facing, f[1], f[2]);
    f[3] = o.kind == kBox ? 1.0f : 0.0f;
    f[4] = o.kind == kRamp ? 1.0f : 0.0f;
    f[5] = o.locked ? 1.0f : 0.0f;
    f[6] = o.locked && s.agents[static_cast<size_t>(o.locker)].team == me.team ? 1.0f : 0.0f;
  }
}

}  // namespace marl::hide_and_seek
