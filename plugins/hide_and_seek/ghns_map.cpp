#include "ghns_map.h"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "marl/error.h"

namespace marl::hide_and_seek {

namespace {
constexpr int kMaxRestarts = 100;
}

MapGenerator::MapGenerator(const GhnsConfig& config) : config_(config) {
  candidates_.reserve(static_cast<size_t>(config.cells()));
  rooms_.reserve(static_cast<size_t>(config.max_rooms) + 1);
  splits_.reserve(static_cast<size_t>(config.cells()) * 2);
}

void MapGenerator::allocate(GameState& state) const {
  const size_t cells = static_cast<size_t>(config_.cells());
  state.width = config_.width;
  state.height = config_.height;
  state.wall.assign(cells, kFloor);
  state.room.assign(cells, 0);
  state.doors.clear();
  state.doors.reserve(static_cast<size_t>(std::max(config_.max_rooms, 2) * config_.door_size));
  state.objects.clear();
  state.objects.reserve(static_cast<size_t>(config_.max_objects()));
  state.agents.assign(static_cast<size_t>(config_.n_agents()), AgentState{});
  state.object_at.assign(cells, -1);
  state.agent_at.assign(cells, -1);
}

void MapGenerator::generate(SplitMix64& rng, GameState& state) {
  for (int attempt = 0; attempt <= kMaxRestarts; ++attempt) {
    if (try_generate(rng, state)) return;
  }
  throw ConfigError("hide_and_seek: could not place " + std::to_string(config_.n_agents()) +
                    " agents, " + std::to_string(config_.n_boxes_max) + " boxes and " +
                    std::to_string(config_.n_ramps) + " ramps on a " + std::to_string(config_.width) +
                    "x" + std::to_string(config_.height) + " " + scenario_name(config_.scenario) +
                    " map after " + std::to_string(kMaxRestarts) +
                    " restarts; use a larger grid or fewer agents/objects");
}

bool MapGenerator::try_generate(SplitMix64& rng, GameState& state) {
  const int W = config_.width, H = config_.height;
  state.t = 0;
  std::fill(state.wall.begin(), state.wall.end(), kFloor);
  std::fill(state.room.begin(), state.room.end(), 0);
  std::fill(state.object_at.begin(), state.object_at.end(), -1);
  std::fill(state.agent_at.begin(), state.agent_at.end(), -1);
  state.doors.clear();
  state.objects.clear();
  if (config_.outside_walls) {
    for (int y = 0; y < H; ++y)
      for (int x = 0; x < W; ++x)
        if (x == 0 || y == 0 || x == W - 1 || y == H - 1) state.wall[state.cell(x, y)] = kOuterWall;
  }
  switch (config_.scenario) {
    case Scenario::Quadrant: build_quadrant(rng, state); break;
    case Scenario::RandomRooms: build_random_rooms(rng, state); break;
    case Scenario::Empty: break;
  }

  const bool quadrant = config_.scenario == Scenario::Quadrant;
  for (int i = 0; i < config_.n_agents(); ++i) {
    const bool hider = i < config_.n_hiders;
    Area area = Area::Anywhere;
    if (quadrant && !hider) area = Area::OutsideRoom;
    if (quadrant && hider && config_.hiders_in_room) area = Area::InRoom;
    list_free_cells(state, area);
    const int first = hider ? 0 : config_.n_hiders;
    const int radius = hider ? config_.hiders_together_radius : config_.seekers_together_radius;
    if (i > first && radius > 0) {
      const AgentState& leader = state.agents[static_cast<size_t>(first)];
      keep_within(state, leader.x, leader.y, radius, candidates_);
    }
    if (candidates_.empty()) return false;
    const int c = candidates_[rng.below(candidates_.size())];
    AgentState& agent = state.agents[static_cast<size_t>(i)];
    agent = AgentState{};
    agent.team = hider ? kHiders : kSeekers;
    agent.x = c % W;
    agent.y = c / W;
    state.agent_at[static_cast<size_t>(c)] = static_cast<int16_t>(i);
  }
  for (AgentState& agent : state.agents) agent.facing = 1 + static_cast<int>(rng.below(4));

  const int n_boxes = config_.n_boxes_min +
                      static_cast<int>(rng.below(static_cast<uint64_t>(config_.n_boxes_max - config_.n_boxes_min + 1)));
  state.n_boxes = n_boxes;
  for (int k = 0; k < n_boxes + config_.n_ramps; ++k) {
    const bool box = k < n_boxes;
    list_free_cells(state, box && quadrant ? Area::InRoom : Area::Anywhere);
    if (candidates_.empty()) return false;
    const int c = candidates_[rng.below(candidates_.size())];
    GameObject object;
    object.kind = box ? kBox : kRamp;
    object.x = object.start_x = c % W;
    object.y = object.start_y = c / W;
    state.objects.push_back(object);
    state.object_at[static_cast<size_t>(c)] = static_cast<int16_t>(k);
  }
  return true;
}

void MapGenerator::build_quadrant(SplitMix64& rng, GameState& state) const {
  const int W = config_.width;
  const int q = W / 2;
  const int wx = W - q;
  auto make_inner = [&](int x, int y) {
    uint8_t& w = state.wall[state.cell(x, y)];
    if (w != kOuterWall) w = kInnerWall;
  };
  for (int y = 0; y <= q; ++y) make_inner(wx, y);
  for (int x = wx; x <= W - 1; ++x) make_inner(x, q);

  // 0 = vertical wall (offsets 0..q), 1 = horizontal wall (offsets 0..q-1).
  int walls[2] = {0, 1};
  int n_walls = 2;
  if (rng.uniform() < config_.p_door_dropout) {
    walls[0] = static_cast<int>(rng.below(2));
    n_walls = 1;
  }
  for (int w = 0; w < n_walls; ++w) {
    const bool vertical = walls[w] == 0;
    const int last = vertical ? q : q - 1;
    const int s = 1 + static_cast<int>(rng.below(static_cast<uint64_t>(last - config_.door_size)));
    for (int o = s; o < s + config_.door_size; ++o) {
      const int c = vertical ? state.cell(wx, o) : state.cell(wx + o, q);
      state.wall[static_cast<size_t>(c)] = kFloor;
      state.doors.push_back(c);
    }
  }
  for (int y = 1; y < q; ++y)
    for (int x = wx + 1; x < W - 1; ++x) state.room[state.cell(x, y)] = 1;
}

bool MapGenerator::counts_as_wall(const GameState& state, int x, int y) const {
  if (x == 0 || y == 0 || x == state.width - 1 || y == state.height - 1) return true;
  return state.wall[state.cell(x, y)] != kFloor;
}

void MapGenerator::build_random_rooms(SplitMix64& rng, GameState& state) {
  const int m = config_.min_room_size;
  rooms_.clear();
  rooms_.push_back(CellRect{1, 1, config_.width - 2, config_.height - 2});
  const int target = config_.random_room_number
                         ? 1 + static_cast<int>(rng.below(static_cast<uint64_t>(config_.max_rooms)))
                         : config_.max_rooms;
  while (static_cast<int>(rooms_.size()) < target) {
    splits_.clear();
    for (int r = 0; r < static_cast<int>(rooms_.size()); ++r) {
      const CellRect& room = rooms_[static_cast<size_t>(r)];
      for (int c = room.x0 + m; c <= room.x1 - m; ++c)
        if (counts_as_wall(state, c, room.y0 - 1) && counts_as_wall(state, c, room.y1 + 1))
          splits_.push_back(SplitCandidate{r, true, c});
      for (int row = room.y0 + m; row <= room.y1 - m; ++row)
        if (counts_as_wall(state, room.x0 - 1, row) && counts_as_wall(state, room.x1 + 1, row))
          splits_.push_back(SplitCandidate{r, false, row});
    }
    if (splits_.empty()) break;
    const SplitCandidate split = splits_[rng.below(splits_.size())];
    const CellRect room = rooms_[static_cast<size_t>(split.room)];
    CellRect first = room, second = room;
    int length;
    if (split.vertical) {
      for (int y = room.y0; y <= room.y1; ++y) state.wall[state.cell(split.at, y)] = kInnerWall;
      first.x1 = split.at - 1;
      second.x0 = split.at + 1;
      length = room.y1 - room.y0 + 1;
    } else {
      for (int x = room.x0; x <= room.x1; ++x) state.wall[state.cell(x, split.at)] = kInnerWall;
      first.y1 = split.at - 1;
      second.y0 = split.at + 1;
      length = room.x1 - room.x0 + 1;
    }
    rooms_[static_cast<size_t>(split.room)] = first;
    rooms_.insert(rooms_.begin() + split.room + 1, second);
    const int s = static_cast<int>(rng.below(static_cast<uint64_t>(length - config_.door_size + 1)));
    for (int o = s; o < s + config_.door_size; ++o) {
      const int c = split.vertical ? state.cell(split.at, room.y0 + o) : state.cell(room.x0 + o, split.at);
      state.wall[static_cast<size_t>(c)] = kFloor;
      state.doors.push_back(c);
    }
  }
}

void MapGenerator::list_free_cells(const GameState& state, Area area) {
  candidates_.clear();
  for (int y = 0; y < state.height; ++y) {
    for (int x = 0; x < state.width; ++x) {
      if (!state.empty_floor(x, y)) continue;
      const bool in_room = state.room[state.cell(x, y)] != 0;
      if (area == Area::InRoom && !in_room) continue;
      if (area == Area::OutsideRoom && in_room) continue;
      candidates_.push_back(state.cell(x, y));
    }
  }
}

void MapGenerator::keep_within(const GameState& state, int cx, int cy, int radius, std::vector<int>& cells) {
  // Filter in place, but only if at least one cell survives.
  size_t kept = 0;
  for (const int c : cells) {
    const int x = c % state.width, y = c / state.width;
    if (std::max(std::abs(x - cx), std::abs(y - cy)) <= radius) ++kept;
  }
  if (kept == 0) return;
  size_t out = 0;
  for (const int c : cells) {
    const int x = c % state.width, y = c / state.width;
    if (std::max(std::abs(x - cx), std::abs(y - cy)) <= radius) cells[out++] = c;
  }
  cells.resize(out);
}

}  // namespace marl::hide_and_seek
