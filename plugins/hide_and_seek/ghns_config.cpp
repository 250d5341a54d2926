#include "ghns_config.h"

#include <cmath>

#include "marl/error.h"

namespace marl::hide_and_seek {

ParamSpecList hide_and_seek_params() {
  using P = ParamSpec;
  return {
      P::integer("width", 16, "grid width in cells, outer wall ring included").range(3, 128),
      P::integer("height", 16, "grid height in cells, outer wall ring included").range(3, 128),
      P::choice("scenario", "quadrant", {"quadrant", "random_rooms", "empty"},
                "map generator: quadrant room with doors (paper's quadrant game), random rooms "
                "split by walls with one door each (full game), or no inner walls"),
      P::integer("n_hiders", 2, "number of hiders (agents 0..n_hiders-1)").range(1, 16),
      P::integer("n_seekers", 2, "number of seekers (agents after the hiders)").range(1, 16),
      P::integer("n_boxes_min", 2, "fewest boxes per episode").range(0, 64),
      P::integer("n_boxes_max", 2, "most boxes per episode (count = min + below(max-min+1))")
          .range(0, 64),
      P::integer("n_ramps", 1, "ramps per episode (0 disables ramps and climbing)").range(0, 64),
      P::integer("horizon", 80, "episode length; episodes are truncated at t == horizon")
          .range(1, 100000),
      P::integer("prep_steps", -1,
                 "preparation steps t=1..prep_steps (seekers frozen, rewards 0); "
                 "-1 = ceil(prep_fraction * horizon)")
          .range(-1, 100000),
      P::real("prep_fraction", 0.4, "preparation share of the horizon when prep_steps = -1")
          .range(0.0, 1.0),
      P::integer("door_size", 1, "door width in cells (one box blocks a door of size 1)")
          .range(1, 64),
      P::real("p_door_dropout", 0.5, "quadrant: probability that only one of the two walls has a door")
          .range(0.0, 1.0),
      P::boolean("hiders_in_room", false, "quadrant: hiders spawn inside the room"),
      P::integer("max_rooms", 4, "random_rooms: most rooms (target count)").range(1, 64),
      P::boolean("random_room_number", true,
                 "random_rooms: room target = 1 + below(max_rooms) instead of max_rooms"),
      P::integer("min_room_size", 3, "random_rooms: smallest room side in cells").range(1, 64),
      P::boolean("outside_walls", true, "outer ring is wall; false = ring cells are floor"),
      P::integer("hiders_together_radius", 0,
                 "Chebyshev spawn radius of hiders around the first hider (0 = off)")
          .range(0, 128),
      P::integer("seekers_together_radius", 0,
                 "Chebyshev spawn radius of seekers around the first seeker (0 = off)")
          .range(0, 128),
      P::boolean("push_boxes", true, "walking into an unlocked box pushes it"),
      P::boolean("lock_ramps", true, "ramps can be locked like boxes"),
      P::boolean("grab_needs_vision", true, "only objects the agent sees can be grabbed"),
      P::boolean("lock_needs_vision", true, "only objects the agent sees can be (un)locked"),
      P::integer("vision_range", 0, "sight radius (dx^2+dy^2 <= R^2); 0 = unlimited").range(0, 1000),
      P::boolean("cone", true, "vision limited to a 67.5-degree half-angle cone around the facing"),
      P::boolean("agents_block_los", false, "agents block other agents' line of sight"),
      P::integer("view_radius", 5, "observation window radius V: window (2V+1)^2 cells")
          .range(0, 32),
      P::boolean("rotate_window", true, "observation window rotated so the agent looks up"),
      P::choice("obs_mode", "window", {"window", "entities"},
                "agent observation: the channel window around the agent, or entities (self, the walls' "
                "window, every other agent, box and ramp with a visibility mask; docs/hide-and-seek.md)"),
      P::choice("rew_type", "joint_zero_sum", {"joint_zero_sum", "selfish", "joint_mean"},
                "team reward: hiders +1 iff no hider seen (zero sum), per agent, or team mean"),
      P::real("reward_scale", 1.0, "multiplies every reward"),
      P::int_list("restrict_rect", {},
                  "play area [x0, y0, x1, y1] (inclusive); agents outside get -restrict_penalty; "
                  "empty = none"),
      P::real("restrict_penalty", 10.0, "reward set for agents outside restrict_rect"),
      P::boolean("penalize_objects_out", false,
                 "every agent gets -restrict_penalty while any box or ramp is outside restrict_rect"),
  };
}

int resolve_prep_steps(int prep_steps, double prep_fraction, int horizon) {
  if (prep_steps >= 0) return prep_steps;
  const double product = prep_fraction * static_cast<double>(horizon);
  const double nearest = std::round(product);
  if (std::fabs(product - nearest) <= 1e-9 * std::fmax(1.0, product)) return static_cast<int>(nearest);
  return static_cast<int>(std::ceil(product));
}

const char* scenario_name(Scenario scenario) {
  switch (scenario) {
    case Scenario::Quadrant: return "quadrant";
    case Scenario::RandomRooms: return "random_rooms";
    case Scenario::Empty: return "empty";
  }
  return "?";
}

namespace {

[[noreturn]] void fail(const std::string& key, const std::string& what) {
  throw ConfigError("hide_and_seek: [env]." + key + ": " + what);
}

int get_int(const Params& params, const char* key) { return static_cast<int>(params.get_int(key)); }

}  // namespace

GhnsConfig config_from_params(const Params& params) {
  GhnsConfig c;
  c.width = get_int(params, "width");
  c.height = get_int(params, "height");
  const std::string& scenario = params.get_string("scenario");
  if (scenario == "quadrant") c.scenario = Scenario::Quadrant;
  else if (scenario == "random_rooms") c.scenario = Scenario::RandomRooms;
  else if (scenario == "empty") c.scenario = Scenario::Empty;
  else fail("scenario", "expected \"quadrant\", \"random_rooms\" or \"empty\", got \"" + scenario + "\"");
  c.n_hiders = get_int(params, "n_hiders");
  c.n_seekers = get_int(params, "n_seekers");
  c.n_boxes_min = get_int(params, "n_boxes_min");
  c.n_boxes_max = get_int(params, "n_boxes_max");
  c.n_ramps = get_int(params, "n_ramps");
  c.horizon = get_int(params, "horizon");
  c.prep_steps = resolve_prep_steps(get_int(params, "prep_steps"), params.get_double("prep_fraction"),
                                    c.horizon);
  c.door_size = get_int(params, "door_size");
  c.p_door_dropout = params.get_double("p_door_dropout");
  c.hiders_in_room = params.get_bool("hiders_in_room");
  c.max_rooms = get_int(params, "max_rooms");
  c.random_room_number = params.get_bool("random_room_number");
  c.min_room_size = get_int(params, "min_room_size");
  c.outside_walls = params.get_bool("outside_walls");
  c.hiders_together_radius = get_int(params, "hiders_together_radius");
  c.seekers_together_radius = get_int(params, "seekers_together_radius");
  c.push_boxes = params.get_bool("push_boxes");
  c.lock_ramps = params.get_bool("lock_ramps");
  c.grab_needs_vision = params.get_bool("grab_needs_vision");
  c.lock_needs_vision = params.get_bool("lock_needs_vision");
  c.vision_range = get_int(params, "vision_range");
  c.cone = params.get_bool("cone");
  c.agents_block_los = params.get_bool("agents_block_los");
  c.view_radius = get_int(params, "view_radius");
  c.rotate_window = params.get_bool("rotate_window");
  c.obs_mode = params.get_string("obs_mode") == "entities" ? ObsMode::Entities : ObsMode::Window;
  const std::string& rew = params.get_string("rew_type");
  if (rew == "joint_zero_sum") c.rew_type = RewardType::JointZeroSum;
  else if (rew == "selfish") c.rew_type = RewardType::Selfish;
  else if (rew == "joint_mean") c.rew_type = RewardType::JointMean;
  else fail("rew_type", "expected \"joint_zero_sum\", \"selfish\" or \"joint_mean\", got \"" + rew + "\"");
  c.reward_scale = params.get_double("reward_scale");
  c.restrict_penalty = params.get_double("restrict_penalty");
  c.penalize_objects_out = params.get_bool("penalize_objects_out");

  const std::vector<int64_t>& rect = params.get_int_list("restrict_rect");
  if (!rect.empty()) {
    if (rect.size() != 4 || rect[0] > rect[2] || rect[1] > rect[3])
      fail("restrict_rect", "expected [] or [x0, y0, x1, y1] with x0 <= x1 and y0 <= y1");
    c.has_restrict_rect = true;
    c.restrict_rect = CellRect{static_cast<int>(rect[0]), static_cast<int>(rect[1]),
                               static_cast<int>(rect[2]), static_cast<int>(rect[3])};
  }

  if (c.n_boxes_min > c.n_boxes_max)
    fail("n_boxes_min", "must not exceed n_boxes_max (" + std::to_string(c.n_boxes_max) + "), got " +
                            std::to_string(c.n_boxes_min));
  if (c.prep_steps >= c.horizon)
    fail("prep_steps", "the preparation phase (" + std::to_string(c.prep_steps) +
                           " steps) must be shorter than horizon (" + std::to_string(c.horizon) + ")");
  if (c.scenario == Scenario::Quadrant) {
    if (c.width != c.height)
      fail("width", "the quadrant scenario needs a square grid (docs/hide-and-seek.md §5.1), got " +
                        std::to_string(c.width) + "x" + std::to_string(c.height));
    // The horizontal wall has offsets 0..q-1 and s = 1 + below(q-1-door_size) needs >= 1 choice.
    const int q = c.width / 2;
    if (q - 1 - c.door_size < 1)
      fail("door_size", "a quadrant wall of a " + std::to_string(c.width) + "-wide grid fits doors of at most " +
                            std::to_string(q - 2) + " cells, got " + std::to_string(c.door_size));
  }
  if (c.scenario == Scenario::RandomRooms &&
      (c.door_size > c.min_room_size || c.door_size > c.width - 2 || c.door_size > c.height - 2))
    fail("door_size", "random_rooms doors must fit the smallest wall (min_room_size " +
                          std::to_string(c.min_room_size) + "), got " + std::to_string(c.door_size));
  return c;
}

}  // namespace marl::hide_and_seek
