// Raw little-endian values in a checkpoint's runner state (the vector env's
// streams, the trainer's counters). Native byte order: a checkpoint resumes on
// the machine type that wrote it; the payload checksum catches damage.
#pragma once

#include <algorithm>
#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <type_traits>
#include <vector>

#include "marl/error.h"

namespace marl::binary {

template <typename T>
void write(std::ostream& out, const T& value) {
  static_assert(std::is_trivially_copyable_v<T>);
  out.write(reinterpret_cast<const char*>(&value), sizeof value);
}

template <typename T>
T read(std::istream& in, const char* what) {
  static_assert(std::is_trivially_copyable_v<T>);
  T value{};
  if (!in.read(reinterpret_cast<char*>(&value), sizeof value)) {
    throw Error(std::string("the checkpoint's runner state ends early (reading ") + what + ")");
  }
  return value;
}

template <typename T>
void write_vector(std::ostream& out, const std::vector<T>& values) {
  write<uint64_t>(out, values.size());
  out.write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(values.size() * sizeof(T)));
}

// Reads a vector written by write_vector whose size must be `expected` (the
// run's shapes are fixed by its config).
template <typename T>
void read_vector(std::istream& in, std::vector<T>& values, uint64_t expected, const char* what) {
  const uint64_t size = read<uint64_t>(in, what);
  if (size != expected) {
    throw Error(std::string("the checkpoint's runner state has ") + std::to_string(size) + " values for " + what +
                ", this run has " + std::to_string(expected) + " (was the config changed?)");
  }
  // Grown chunk by chunk as the bytes arrive, so a damaged size fails at the
  // end of the stream instead of allocating it up front.
  values.clear();
  constexpr uint64_t kChunk = uint64_t{1} << 16;
  for (uint64_t done = 0; done < size;) {
    const uint64_t chunk = std::min(kChunk, size - done);
    values.resize(done + chunk);
    if (!in.read(reinterpret_cast<char*>(values.data() + done), static_cast<std::streamsize>(chunk * sizeof(T)))) {
      throw Error(std::string("the checkpoint's runner state ends early (reading ") + what + ")");
    }
    done += chunk;
  }
}

}  // namespace marl::binary
