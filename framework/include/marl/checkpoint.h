// Checkpoint files: a small text header saying what produced the state,
// then the algorithm's own bytes (Algorithm::save). Written atomically.
//
//   MARL-CHECKPOINT 1
//   algorithm=mappo
//   algorithm_version=1.0.0
//   env=mpe
//   env_steps=200000
//   seed=1
//   <blank line>
//   <algorithm state>
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace marl {

class Algorithm;

struct CheckpointHeader {
  std::string algorithm;
  std::string algorithm_version;
  std::string env;
  uint64_t env_steps = 0;
  uint64_t seed = 0;
};

void save_checkpoint(const std::filesystem::path& path, const CheckpointHeader& header,
                     const Algorithm& algorithm);

// Reads the header only (marl::Error if the file is not a checkpoint).
CheckpointHeader read_checkpoint_header(const std::filesystem::path& path);

// Checks that the checkpoint was made by `expected_algorithm` and loads it.
CheckpointHeader load_checkpoint(const std::filesystem::path& path,
                                 const std::string& expected_algorithm, Algorithm& algorithm);

}  // namespace marl
