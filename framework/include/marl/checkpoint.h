// Checkpoint files: a small text header saying what produced the state,
// then the runner's state (what `marl run --resume` continues: the env
// streams, counters, the metrics row in progress) and the algorithm's own
// bytes (Algorithm::save). Written atomically; the payload's size and
// checksum are in the header and checked on every read.
//
//   MARL-CHECKPOINT 2
//   algorithm=mappo
//   algorithm_version=1.0.0
//   env=mpe
//   env_steps=200000
//   seed=1
//   runner_state_bytes=1234
//   payload_bytes=56789
//   payload_fnv1a64=...
//   <blank line>
//   <runner state><algorithm state>
//
// Version 1 files (no runner state) still load for evaluation and as frozen
// opponents; they cannot be resumed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>

namespace marl {

class Algorithm;

struct CheckpointHeader {
  std::string algorithm;
  std::string algorithm_version;
  std::string env;
  uint64_t env_steps = 0;
  uint64_t seed = 0;
  uint64_t runner_state_bytes = 0;  // 0: the checkpoint cannot be resumed
};

// `runner_state` is opaque to this layer (the trainer writes and reads it).
void save_checkpoint(const std::filesystem::path& path, const CheckpointHeader& header,
                     const Algorithm& algorithm, const std::string& runner_state = {});

// A checkpoint of Algorithm::save_policy() alone: no runner state, so it
// cannot be resumed; `marl eval` and frozen opponents read it (marl export).
void save_policy_checkpoint(const std::filesystem::path& path, const CheckpointHeader& header,
                            const Algorithm& algorithm);

// Reads the header only (marl::Error if the file is not a checkpoint).
CheckpointHeader read_checkpoint_header(const std::filesystem::path& path);

// Opens a checkpoint and leaves `in` at the start of the algorithm state, for
// algorithms that read parts of another run's state (e.g. a TeamAlgorithm loading a
// frozen opponent team). Throws marl::Error if the file cannot be read or was
// not saved by `expected_algorithm`.
CheckpointHeader open_checkpoint_state(const std::filesystem::path& path,
                                       const std::string& expected_algorithm, std::ifstream& in);

// For an algorithm reading another run's state (a frozen opponent): `path`
// is a checkpoint file or a run directory (its checkpoint.bin). Like
// open_checkpoint_state, and also checks that the run was on `expected_env`;
// every failure is a ConfigError starting with `config_key` (the parameter
// that named the path, e.g. `[algorithm] opponent_checkpoint = "...": `).
CheckpointHeader open_run_checkpoint(const std::filesystem::path& path,
                                     const std::string& expected_algorithm,
                                     const std::string& expected_env,
                                     const std::string& config_key, std::ifstream& in);

// Checks that the checkpoint was made by `expected_algorithm` and loads it;
// with `runner_state`, also returns the runner's state (empty if none).
CheckpointHeader load_checkpoint(const std::filesystem::path& path,
                                 const std::string& expected_algorithm, Algorithm& algorithm,
                                 std::string* runner_state = nullptr);

}  // namespace marl
