#include "ghns_observation.h"

#include <algorithm>
#include <cstring>

namespace marl::hide_and_seek {

namespace {

// docs/hide-and-seek.md §12: ratios in double, then rounded once to float32.
float ratio(int num, int den) { return static_cast<float>(static_cast<double>(num) / static_cast<double>(den)); }

enum : uint16_t {
  kInGrid = 1u << 0,
  kWall = 1u << 1,
  kBoxBit = 1u << 3,
  kLocked = 1u << 4,
  kLockedByMyTeam = 1u << 5,
  kRampBit = 1u << 6,
  kTeammate = 1u << 7,
  kOpponent = 1u << 8,
  kElevatedAgent = 1u << 9,
};

// Global-state plane bits (plane 10, the seekers' view, is kept apart).
enum : uint16_t {
  kPlaneWall = 1u << 0,
  kPlaneInner = 1u << 1,
  kPlaneBox = 1u << 2,
  kPlaneBoxLocked = 1u << 3,
  kPlaneBoxLockedHiders = 1u << 4,
  kPlaneRamp = 1u << 5,
  kPlaneRampLocked = 1u << 6,
  kPlaneHider = 1u << 7,
  kPlaneSeeker = 1u << 8,
  kPlaneElevated = 1u << 9,
};

}  // namespace

ObservationWriter::ObservationWriter(const GhnsConfig& config) : config_(config) {
  const int V = config.view_radius, S = config.window_side();
  const int W = config.width, H = config.height;
  window_cells_ = S * S;
  obs_size_ = static_cast<int64_t>(kWindowChannels) * window_cells_ + kSelfFeatures;
  state_size_ = static_cast<int64_t>(kStatePlanes) * config.cells() + 3 +
                static_cast<int64_t>(kStateAgentFeatures) * config.n_agents();
  padded_width_ = W + 2 * V;
  std::vector<int32_t> dx, dy;
  for (int facing = 1; facing <= 4; ++facing) {
    window_offsets(config, facing, dx, dy);
    for (size_t k = 0; k < dx.size(); ++k) {
      window_delta_[facing].push_back(dy[k] * padded_width_ + dx[k]);
      window_grid_delta_[facing].push_back(dy[k] * W + dx[k]);
    }
  }
  const size_t padded = static_cast<size_t>(padded_width_ * (H + 2 * V));
  padded_base_.assign(padded, 0);
  padded_codes_[0].assign(padded, 0);
  padded_codes_[1].assign(padded, 0);
  window_bits_.assign(static_cast<size_t>(window_cells_), 0);
  state_base_.assign(static_cast<size_t>(config.cells()), 0);
  state_codes_.assign(static_cast<size_t>(config.cells()), 0);
  seeker_view_.assign(static_cast<size_t>(config.cells()), 0);
}

void ObservationWriter::encode_map(const Game& game) {
  const GameState& s = game.state();
  const int V = config_.view_radius;
  for (int y = 0; y < s.height; ++y) {
    for (int x = 0; x < s.width; ++x) {
      const uint8_t w = s.wall[static_cast<size_t>(s.cell(x, y))];
      padded_base_[static_cast<size_t>((y + V) * padded_width_ + x + V)] =
          static_cast<uint16_t>(kInGrid | (w != kFloor ? kWall : 0));
      state_base_[static_cast<size_t>(s.cell(x, y))] =
          static_cast<uint16_t>((w != kFloor ? kPlaneWall : 0) | (w == kInnerWall ? kPlaneInner : 0));
    }
  }
}

void ObservationWriter::prepare(const Game& game) {
  const GameState& s = game.state();
  const int V = config_.view_radius;
  auto padded = [&](int x, int y) { return static_cast<size_t>((y + V) * padded_width_ + x + V); };
  std::copy(padded_base_.begin(), padded_base_.end(), padded_codes_[0].begin());
  std::copy(padded_base_.begin(), padded_base_.end(), padded_codes_[1].begin());
  std::copy(state_base_.begin(), state_base_.end(), state_codes_.begin());
  for (const GameObject& o : s.objects) {
    const size_t p = padded(o.x, o.y);
    const size_t c = static_cast<size_t>(s.cell(o.x, o.y));
    const uint8_t locker_team = s.agents[static_cast<size_t>(o.locker)].team;
    uint16_t bits = o.kind == kBox ? kBoxBit : kRampBit;
    if (o.locked) bits |= kLocked;
    for (int team = 0; team < 2; ++team)
      padded_codes_[team][p] |= static_cast<uint16_t>(bits | (o.locked && locker_team == team ? kLockedByMyTeam : 0));
    if (o.kind == kBox)
      state_codes_[c] |= static_cast<uint16_t>(kPlaneBox | (o.locked ? kPlaneBoxLocked : 0) |
                                               (o.locked && locker_team == kHiders ? kPlaneBoxLockedHiders : 0));
    else
      state_codes_[c] |= static_cast<uint16_t>(kPlaneRamp | (o.locked ? kPlaneRampLocked : 0));
  }
  std::fill(seeker_view_.begin(), seeker_view_.end(), 0);
  const size_t P = seeker_view_.size();
  for (int i = 0; i < s.n_agents(); ++i) {
    const AgentState& a = s.agents[static_cast<size_t>(i)];
    const size_t p = padded(a.x, a.y);
    const uint16_t high = a.elevated ? kElevatedAgent : 0;
    padded_codes_[a.team][p] |= static_cast<uint16_t>(kTeammate | high);
    padded_codes_[1 - a.team][p] |= static_cast<uint16_t>(kOpponent | high);
    state_codes_[static_cast<size_t>(s.cell(a.x, a.y))] |=
        static_cast<uint16_t>((a.team == kHiders ? kPlaneHider : kPlaneSeeker) | (a.elevated ? kPlaneElevated : 0));
    if (a.team == kSeekers) {
      const uint8_t* vis = game.visibility(i);
      for (size_t k = 0; k < P; ++k) seeker_view_[k] |= vis[k];
    }
  }
}

float ObservationWriter::prep_obs(int t) const {
  if (config_.prep_steps <= 0) return 1.0f;
  return std::min(1.0f, ratio(t, config_.prep_steps));
}

void ObservationWriter::write_agent(const Game& game, int agent, float* out) {
  const GameState& s = game.state();
  const AgentState& me = s.agents[static_cast<size_t>(agent)];
  const int V = config_.view_radius;
  const uint8_t* vis = game.visibility(agent);
  const size_t center = static_cast<size_t>((me.y + V) * padded_width_ + me.x + V);
  const uint16_t* codes = padded_codes_[me.team].data() + center;
  const int32_t* delta = window_delta_[me.facing].data();
  const int32_t* grid_delta = window_grid_delta_[me.facing].data();
  const int origin = s.cell(me.x, me.y);
  const int n = window_cells_;
  // Gather each window cell's channel bits once (bit 2 = visible; the
  // object/agent bits only where visible), then write channel by channel:
  // contiguous loops the compiler vectorizes.
  uint16_t* shown = window_bits_.data();
  for (int idx = 0; idx < n; ++idx) {
    const uint32_t code = codes[delta[idx]];
    // Off-grid cells (code bit 0 clear) read cell 0 instead of out of bounds.
    const int cell = (code & kInGrid) ? origin + grid_delta[idx] : 0;
    const uint32_t seen = vis[cell] & code & kInGrid;
    shown[idx] = static_cast<uint16_t>(seen ? (code | 4u) : (code & 3u));
  }
  // Channels 7-9 describe other agents: blank the observer's own cell.
  shown[V * (2 * V + 1) + V] &= static_cast<uint16_t>(~(kTeammate | kOpponent | kElevatedAgent));
  for (int k = 0; k < kWindowChannels; ++k) {
    float* channel = out + k * n;
    for (int idx = 0; idx < n; ++idx) channel[idx] = static_cast<float>((shown[idx] >> k) & 1u);
  }

  write_self_features(config_, s, agent, out + kWindowChannels * n);
}

void window_offsets(const GhnsConfig& config, int facing, std::vector<int32_t>& dx, std::vector<int32_t>& dy) {
  const int V = config.view_radius, S = config.window_side();
  const int fx = kDirX[facing], fy = kDirY[facing];
  const int rx = -fy, ry = fx;  // the agent's right
  dx.clear();
  dy.clear();
  for (int v = 0; v < S; ++v) {
    for (int u = 0; u < S; ++u) {
      dx.push_back(config.rotate_window ? (V - v) * fx + (u - V) * rx : u - V);
      dy.push_back(config.rotate_window ? (V - v) * fy + (u - V) * ry : v - V);
    }
  }
}

void write_self_features(const GhnsConfig& config, const GameState& s, int agent, float* self) {
  const AgentState& me = s.agents[static_cast<size_t>(agent)];
  const int t = s.t;
  std::memset(self, 0, kSelfFeatures * sizeof(float));
  self[0] = ratio(me.x, s.width - 1);
  self[1] = ratio(me.y, s.height - 1);
  self[1 + me.facing] = 1.0f;
  self[6] = me.team == kHiders ? 1.0f : 0.0f;
  self[7] = config.prep_steps <= 0 ? 1.0f : std::min(1.0f, ratio(t, config.prep_steps));
  self[8] = t < config.prep_steps ? 1.0f : 0.0f;
  self[9] = me.grab >= 0 ? 1.0f : 0.0f;
  self[10] = me.elevated ? 1.0f : 0.0f;
  self[11] = ratio(t, config.horizon);
}

void ObservationWriter::write_state(const Game& game, float* out) const {
  const GameState& s = game.state();
  const size_t P = state_codes_.size();
  const uint16_t* codes = state_codes_.data();
  for (int k = 0; k < kStatePlanes - 1; ++k) {
    float* plane = out + static_cast<size_t>(k) * P;
    for (size_t c = 0; c < P; ++c) plane[c] = static_cast<float>((codes[c] >> k) & 1u);
  }
  float* view = out + static_cast<size_t>(kStatePlanes - 1) * P;
  for (size_t c = 0; c < P; ++c) view[c] = static_cast<float>(seeker_view_[c]);

  float* tail = out + kStatePlanes * P;
  tail[0] = ratio(s.t, config_.horizon);
  tail[1] = prep_obs(s.t);
  tail[2] = s.t < config_.prep_steps ? 1.0f : 0.0f;
  float* per_agent = tail + 3;
  for (int i = 0; i < s.n_agents(); ++i) {
    const AgentState& a = s.agents[static_cast<size_t>(i)];
    float* f = per_agent + static_cast<size_t>(i) * kStateAgentFeatures;
    std::memset(f, 0, kStateAgentFeatures * sizeof(float));
    f[0] = ratio(a.x, s.width - 1);
    f[1] = ratio(a.y, s.height - 1);
    f[1 + a.facing] = 1.0f;
    f[6] = a.team == kHiders ? 1.0f : 0.0f;
    f[7] = a.grab >= 0 ? 1.0f : 0.0f;
    f[8] = a.elevated ? 1.0f : 0.0f;
    f[9] = game.flag(i) ? 1.0f : 0.0f;
  }
}

}  // namespace marl::hide_and_seek
