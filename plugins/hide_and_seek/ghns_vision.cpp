#include "ghns_vision.h"

#include <cstdlib>
#include <cstring>
#include <utility>

namespace marl::hide_and_seek {

namespace {

// docs/hide-and-seek.md §9: Bresenham from (0,0) to (dx,dy): the cells strictly between, in
// order (the target itself is never a blocker).
void bresenham_intermediates(int dx, int dy, std::vector<std::pair<int, int>>& cells) {
  cells.clear();
  const int adx = std::abs(dx), ady = -std::abs(dy);
  const int sx = 0 < dx ? 1 : -1, sy = 0 < dy ? 1 : -1;
  int err = adx + ady, x = 0, y = 0;
  while (dx != 0 || dy != 0) {
    const int e2 = 2 * err;
    if (e2 >= ady) {
      err += ady;
      x += sx;
    }
    if (e2 <= adx) {
      err += adx;
      y += sy;
    }
    if (x == dx && y == dy) break;
    cells.emplace_back(x, y);
  }
}

}  // namespace

VisionModel::VisionModel(const GhnsConfig& config)
    : width_(config.width),
      height_(config.height),
      vision_range_(config.vision_range),
      cone_(config.cone),
      agents_block_(config.agents_block_los) {
  const int W = width_, H = height_;
  rays_.reserve(static_cast<size_t>((2 * W - 1) * (2 * H - 1)));
  std::vector<std::pair<int, int>> path;
  for (int dy = -(H - 1); dy <= H - 1; ++dy) {
    for (int dx = -(W - 1); dx <= W - 1; ++dx) {
      Ray ray{static_cast<int32_t>(ray_cells_.size()), 0};
      bresenham_intermediates(dx, dy, path);
      for (const auto& [x, y] : path) ray_cells_.push_back(y * W + x);
      ray.end = static_cast<int32_t>(ray_cells_.size());
      rays_.push_back(ray);
    }
  }
  if (cone_) {
    for (int facing = 1; facing <= 4; ++facing) build_trie(facing);
  } else {
    build_trie(1);
  }
  blockers_.assign(static_cast<size_t>(W * H), 0);
  elevated_cells_.reserve(static_cast<size_t>(config.n_agents()));
}

void VisionModel::build_trie(int facing) {
  // Temporary pointer tree, flattened into preorder with subtree skips.
  struct Node {
    int dx, dy;
    bool target;
    std::vector<int> children;
  };
  std::vector<Node> nodes(1, Node{0, 0, false, {}});
  std::vector<std::pair<int, int>> path;
  for (int dy = -(height_ - 1); dy <= height_ - 1; ++dy) {
    for (int dx = -(width_ - 1); dx <= width_ - 1; ++dx) {
      if ((dx == 0 && dy == 0) || !in_view(dx, dy, facing)) continue;
      bresenham_intermediates(dx, dy, path);
      path.emplace_back(dx, dy);
      int current = 0;
      for (const auto& [x, y] : path) {
        int next = -1;
        for (const int child : nodes[static_cast<size_t>(current)].children)
          if (nodes[static_cast<size_t>(child)].dx == x && nodes[static_cast<size_t>(child)].dy == y) next = child;
        if (next < 0) {
          next = static_cast<int>(nodes.size());
          nodes.push_back(Node{x, y, false, {}});
          nodes[static_cast<size_t>(current)].children.push_back(next);
        }
        current = next;
      }
      nodes[static_cast<size_t>(current)].target = true;
    }
  }
  std::vector<TrieNode>& flat = trie_[facing];
  flat.clear();
  flat.reserve(nodes.size());
  // Iterative preorder: (node, state) where state 0 = enter, 1 = leave.
  std::vector<std::pair<int, int>> stack;
  std::vector<int32_t> flat_index(nodes.size(), -1);
  for (auto it = nodes[0].children.rbegin(); it != nodes[0].children.rend(); ++it) stack.emplace_back(*it, 0);
  while (!stack.empty()) {
    const auto [n, state] = stack.back();
    stack.pop_back();
    const Node& node = nodes[static_cast<size_t>(n)];
    if (state == 1) {
      flat[static_cast<size_t>(flat_index[static_cast<size_t>(n)])].skip = static_cast<int32_t>(flat.size());
      continue;
    }
    flat_index[static_cast<size_t>(n)] = static_cast<int32_t>(flat.size());
    flat.push_back(TrieNode{static_cast<int16_t>(node.dx), static_cast<int16_t>(node.dy), node.dy * width_ + node.dx,
                            0, static_cast<uint8_t>(node.target ? 1 : 0)});
    stack.emplace_back(n, 1);
    for (auto it = node.children.rbegin(); it != node.children.rend(); ++it) stack.emplace_back(*it, 0);
  }
}

bool VisionModel::in_view(int dx, int dy, int facing) const {
  if (vision_range_ > 0 && dx * dx + dy * dy > vision_range_ * vision_range_) return false;
  if (cone_) {
    const int fx = kDirX[facing], fy = kDirY[facing];
    const int f = dx * fx + dy * fy;
    const int l = std::abs(dx * fy - dy * fx);
    if (!(f > 0 && 1000 * l <= 2414 * f)) return false;
  }
  return true;
}

void VisionModel::update_blockers(const GameState& state) {
  const size_t cells = blockers_.size();
  for (size_t c = 0; c < cells; ++c) {
    const uint8_t w = state.wall[c];
    blockers_[c] = w == kOuterWall ? (kBlocksAlways | kBlocksLow) : (w == kInnerWall ? kBlocksLow : 0);
  }
  for (const GameObject& o : state.objects)
    if (o.kind == kBox) blockers_[static_cast<size_t>(state.cell(o.x, o.y))] |= kBlocksLow;
  elevated_cells_.clear();
  for (const AgentState& a : state.agents) {
    const int c = state.cell(a.x, a.y);
    if (agents_block_) blockers_[static_cast<size_t>(c)] |= kBlocksLow;
    if (a.elevated) elevated_cells_.push_back(c);
  }
}

bool VisionModel::ray_clear(int from, int dx, int dy, uint8_t mask) const {
  const Ray& ray = rays_[static_cast<size_t>(offset_index(dx, dy))];
  const int32_t* cells = ray_cells_.data();
  const uint8_t* blockers = blockers_.data() + from;
  for (int32_t r = ray.begin; r < ray.end; ++r)
    if (blockers[cells[r]] & mask) return false;
  return true;
}

void VisionModel::compute(const GameState& state, int agent, uint8_t* out) const {
  const AgentState& a = state.agents[static_cast<size_t>(agent)];
  const int from = state.cell(a.x, a.y);
  std::memset(out, 0, blockers_.size());
  out[from] = 1;
  const uint8_t mask = a.elevated ? static_cast<uint8_t>(kBlocksAlways)
                                  : static_cast<uint8_t>(kBlocksAlways | kBlocksLow);
  const std::vector<TrieNode>& trie = trie_[cone_ ? a.facing : 1];
  const TrieNode* nodes = trie.data();
  const int32_t n = static_cast<int32_t>(trie.size());
  const uint8_t* blockers = blockers_.data();
  const unsigned W = static_cast<unsigned>(width_), H = static_cast<unsigned>(height_);
  for (int32_t i = 0; i < n;) {
    const TrieNode& node = nodes[i];
    if (static_cast<unsigned>(a.x + node.dx) >= W || static_cast<unsigned>(a.y + node.dy) >= H) {
      i = node.skip;
      continue;
    }
    const int c = from + node.delta;
    out[c] |= node.target;
    i = (blockers[c] & mask) ? node.skip : i + 1;
  }
  if (a.elevated) return;
  // An elevated agent at the target is seen over inner walls and boxes.
  for (const int c : elevated_cells_) {
    if (c == from) continue;
    const int dx = c % width_ - a.x, dy = c / width_ - a.y;
    if (in_view(dx, dy, a.facing)) out[c] = ray_clear(from, dx, dy, kBlocksAlways) ? 1 : 0;
  }
}

bool VisionModel::visible(const GameState& state, int agent, int x, int y) const {
  const AgentState& a = state.agents[static_cast<size_t>(agent)];
  if (x == a.x && y == a.y) return true;
  const int dx = x - a.x, dy = y - a.y;
  if (!in_view(dx, dy, a.facing)) return false;
  bool target_high = false;
  for (const int c : elevated_cells_) target_high |= c == state.cell(x, y);
  const uint8_t mask = (a.elevated || target_high) ? static_cast<uint8_t>(kBlocksAlways)
                                                   : static_cast<uint8_t>(kBlocksAlways | kBlocksLow);
  return ray_clear(state.cell(a.x, a.y), dx, dy, mask);
}

}  // namespace marl::hide_and_seek
