#include "run_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "marl/error.h"

namespace marl {

namespace {

std::string holder_of(int fd) {
  char text[256] = {};
  const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
  std::string holder = n > 0 ? std::string(text, static_cast<size_t>(n)) : std::string();
  while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
  return holder.empty() ? "another process" : holder;
}

}  // namespace

RunDirLock::RunDirLock(const std::filesystem::path& dir, Mode mode) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (mode == Mode::Resume && !fs::is_directory(dir, ec)) {
    throw Error("cannot resume " + dir.string() + ": no such run directory");
  }
  if (dir.has_parent_path()) fs::create_directories(dir.parent_path(), ec);
  if (ec) throw Error("cannot create the folder for run directory " + dir.string() + ": " + ec.message());
  if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST) {
    throw Error("cannot create run directory " + dir.string() + ": " + std::strerror(errno));
  }
  if (!fs::is_directory(dir, ec)) throw Error("run directory " + dir.string() + " exists and is not a folder");
  const fs::path lock_file = dir / kFileName;
  fd_ = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error("cannot create " + lock_file.string() + ": " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const std::string holder = holder_of(fd_);
    ::close(fd_);
    fd_ = -1;
    throw Error("run directory " + dir.string() + " is in use by " + holder +
                (mode == Mode::Create ? "; pass another --out (or leave out --out for a fresh folder)" : ""));
  }
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().filename() == kFileName) continue;
    if (mode == Mode::Resume) {
      const std::string name = entry.path().filename().string();
      if (name.size() > 1 && name[0] == '.' && name.find(".tmp-") != std::string::npos) fs::remove(entry.path(), ec);
      continue;
    }
    ::close(fd_);
    fd_ = -1;
    throw Error("run directory " + dir.string() + " already exists and is not empty; pass another --out or remove it");
  }
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  const std::string holder = "marl run (pid " + std::to_string(::getpid()) + " on " + host + ")\n";
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, holder.data(), holder.size(), 0) != static_cast<ssize_t>(holder.size())) {
    // The lock itself holds; only the holder's name for others' messages is lost.
  }
}

bool RunDirLock::is_held(const std::filesystem::path& dir) {
  const int fd = ::open((dir / kFileName).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);  // releases the shared lock if it was taken
  return held;
}

RunDirLock::~RunDirLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace marl
