#include "worker_states.h"

#include <sstream>

#include "binary_stream.h"
#include "marl/error.h"

namespace marl {

namespace {

constexpr uint64_t kBundleMagic = 0x4d41524c574b5253ULL;  // "MARLWKRS"

void write_string(std::ostream& out, const std::string& s) {
  binary::write<uint64_t>(out, s.size());
  out.write(s.data(), static_cast<std::streamsize>(s.size()));
}

std::string read_string(std::istream& in, const char* what) {
  const auto size = binary::read<uint64_t>(in, what);
  std::string s;
  // Grown as the bytes arrive: a damaged size fails at the end of the stream.
  constexpr uint64_t kChunk = uint64_t{1} << 20;
  for (uint64_t done = 0; done < size;) {
    const uint64_t chunk = std::min(kChunk, size - done);
    s.resize(done + chunk);
    if (!in.read(s.data() + done, static_cast<std::streamsize>(chunk))) {
      throw Error(std::string("the checkpoint's worker states end early (reading ") + what + ")");
    }
    done += chunk;
  }
  return s;
}

}  // namespace

std::string pack_worker_state(const WorkerState& state) {
  std::ostringstream out;
  write_string(out, state.runner);
  write_string(out, state.algorithm);
  return out.str();
}

WorkerState unpack_worker_state(const std::string& bytes) {
  std::istringstream in(bytes);
  WorkerState s;
  s.runner = read_string(in, "a worker's runner state");
  s.algorithm = read_string(in, "a worker's algorithm state");
  return s;
}

std::string bundle_worker_states(const std::vector<std::string>& packed) {
  std::ostringstream out;
  binary::write(out, kBundleMagic);
  binary::write<uint64_t>(out, packed.size());
  for (const auto& p : packed) write_string(out, p);
  return out.str();
}

bool is_worker_bundle(const std::string& runner_state) {
  if (runner_state.size() < sizeof kBundleMagic) return false;
  uint64_t magic = 0;
  std::copy(runner_state.begin(), runner_state.begin() + sizeof magic, reinterpret_cast<char*>(&magic));
  return magic == kBundleMagic;
}

WorkerState worker_state_from_bundle(const std::string& bundle, int rank, int world_size) {
  std::istringstream in(bundle);
  if (binary::read<uint64_t>(in, "the worker bundle's magic") != kBundleMagic) {
    throw Error("the checkpoint holds one process's state; resume it without several workers");
  }
  const auto count = binary::read<uint64_t>(in, "the number of workers");
  if (count != static_cast<uint64_t>(world_size)) {
    throw Error("the checkpoint is of a run with " + std::to_string(count) + " workers; resume it with " +
                std::to_string(count) + " (this launch has " + std::to_string(world_size) + ")");
  }
  std::string mine;
  for (int r = 0; r <= rank; ++r) mine = read_string(in, "a worker's state");
  return unpack_worker_state(mine);
}

}  // namespace marl
