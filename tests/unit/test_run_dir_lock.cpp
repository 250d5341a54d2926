// Run directories are claimed atomically and held by one process: a second
// claim on the same folder fails while the first holds it, a folder with
// anything in it is refused, and the lock goes with its holder.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "marl/error.h"
#include "run_dir_lock.h"

namespace fs = std::filesystem;

TEST_CASE("a run directory is held by one claim at a time", "[run_dir]") {
  const fs::path root = fs::temp_directory_path() / ("marl_run_dir_lock_" + std::to_string(::getpid()));
  fs::remove_all(root);
  const fs::path dir = root / "runs" / "a";
  {
    const marl::RunDirLock first(dir);  // creates the parents and the folder
    CHECK(fs::is_directory(dir));
    try {
      const marl::RunDirLock second(dir);
      FAIL("a held folder was claimed twice");
    } catch (const marl::Error& e) {
      CHECK_THAT(e.what(), Catch::Contains("is in use by marl run (pid " + std::to_string(::getpid())));
    }
  }
  // Released with its holder; the folder is empty but for the lock file: it can be claimed again.
  { const marl::RunDirLock again(dir); }
  std::ofstream(dir / "metrics.csv") << "env_steps\n";
  CHECK_THROWS_WITH(marl::RunDirLock(dir), Catch::Contains("already exists and is not empty"));
  std::ofstream(root / "file") << "x";
  CHECK_THROWS_WITH(marl::RunDirLock(root / "file"), Catch::Contains("is not a folder"));
  fs::remove_all(root);
}
