// A run directory claimed by one process for its whole life.
//
// Why: two `marl run` started together (two seeds from a shell loop) once got
// the same folder and wrote interleaved rows into one metrics.csv. Checking
// "does it exist?" and then creating it is a race; here the folder is created
// with one mkdir (an existing empty folder is accepted), and an exclusive
// flock on <dir>/.lock is taken before anything is written. The kernel drops
// the lock when the process ends, however it ends, so a folder is never held
// by a dead run. The lock file names the holder (pid and host) for the error
// another process gets.
//
// Contract: the constructor throws marl::Error naming the folder when it
// cannot be created, is locked by another process, or (Mode::Create) holds
// anything but the lock file. Mode::Resume takes an existing run's folder
// and removes the temporary files a killed writer left behind (".<name>.tmp-
// <pid>": with the lock held, no live process is writing them). The
// destructor releases the lock.
#pragma once

#include <filesystem>

namespace marl {

class RunDirLock {
 public:
  enum class Mode { Create, Resume };
  explicit RunDirLock(const std::filesystem::path& dir, Mode mode = Mode::Create);
  ~RunDirLock();
  RunDirLock(const RunDirLock&) = delete;
  RunDirLock& operator=(const RunDirLock&) = delete;

  static constexpr const char* kFileName = ".lock";

  // Whether a live process on this machine holds `dir` (false when the folder
  // has no lock file, or its holder is gone).
  static bool is_held(const std::filesystem::path& dir);

 private:
  int fd_ = -1;
};

}  // namespace marl
