// [run].keep_checkpoints: how many checkpoints a run directory keeps.
//
// checkpoint.bin is always the latest. With K > 1, each checkpoint about to
// be replaced is first hard-linked as checkpoint-<env_steps>.bin (a link, so
// checkpoint.bin exists at every moment), and only the newest K - 1 of those
// are kept: a run can go back to an earlier point (a NaN that crept in, a
// policy that was better) without the folder growing without bound.
#pragma once

#include <filesystem>

namespace marl {

class KeptCheckpoints {
 public:
  KeptCheckpoints(std::filesystem::path run_dir, int keep);

  // Call before writing a new `latest`.
  void before_replacing(const std::filesystem::path& latest) const;

 private:
  std::filesystem::path run_dir_;
  int keep_;
};

}  // namespace marl
