// Crash-safe file writes: results and checkpoints are written to a temporary
// file in the same folder, flushed and fsync'ed, then renamed over the target,
// so a reader sees either the old file or the complete new one, never a torn
// one (even if the process dies mid-write).
#pragma once

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>

namespace marl {

void write_file_atomic(const std::filesystem::path& path, const std::string& content);

// Streams into the temporary file; throws marl::Error on any I/O failure.
void write_file_atomic(const std::filesystem::path& path,
                       const std::function<void(std::ostream&)>& writer);

std::string read_file(const std::filesystem::path& path);  // marl::Error if unreadable

}  // namespace marl
