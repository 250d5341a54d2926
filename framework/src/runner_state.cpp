#include "runner_state.h"

#include <sstream>

#include "binary_stream.h"
#include "marl/error.h"

namespace marl {

namespace {
constexpr uint64_t kMagic = 0x4d41524c52554e32ULL;  // "MARLRUN2"
}

std::string save_runner_state(const RunnerCounters& c, const VectorEnv& envs, const EpisodeStats& stats) {
  std::ostringstream out;
  binary::write(out, kMagic);
  binary::write(out, c.episodes);
  binary::write(out, c.updates);
  binary::write(out, c.next_log);
  binary::write(out, c.next_checkpoint);
  binary::write(out, c.last_row_steps);
  binary::write(out, c.next_eval);
  binary::write(out, c.last_eval_steps);
  binary::write(out, c.wall_seconds);
  binary::write_vector(out, c.train_sums);
  binary::write(out, c.train_count);
  stats.save(out);
  envs.save_state(out);
  return out.str();
}

int load_runner_state(const std::string& bytes, RunnerCounters& c, VectorEnv& envs, EpisodeStats& stats) {
  std::istringstream in(bytes);
  if (binary::read<uint64_t>(in, "the header") != kMagic) {
    throw Error("the checkpoint's runner state has an unknown format (written by another marl version?)");
  }
  c.episodes = binary::read<uint64_t>(in, "the episode count");
  c.updates = binary::read<uint64_t>(in, "the update count");
  c.next_log = binary::read<uint64_t>(in, "the next log step");
  c.next_checkpoint = binary::read<uint64_t>(in, "the next checkpoint step");
  c.last_row_steps = binary::read<uint64_t>(in, "the last row's step");
  c.next_eval = binary::read<uint64_t>(in, "the next evaluation step");
  c.last_eval_steps = binary::read<uint64_t>(in, "the last evaluation step");
  c.wall_seconds = binary::read<double>(in, "the wall time");
  binary::read_vector(in, c.train_sums, c.train_sums.size(), "the train metrics (was the algorithm changed?)");
  c.train_count = binary::read<int64_t>(in, "the train metric count");
  stats.load(in);
  const int mismatched = envs.restore_state(in);
  if (in.peek() != std::char_traits<char>::eof()) throw Error("the checkpoint's runner state has trailing bytes");
  return mismatched;
}

}  // namespace marl
