#include "marl/checkpoint.h"

#include <charconv>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include "marl/algorithm.h"
#include "atomic_file.h"
#include "marl/error.h"

namespace marl {

namespace {
constexpr const char* kMagic = "MARL-CHECKPOINT 2";
constexpr const char* kMagicV1 = "MARL-CHECKPOINT 1";

uint64_t fnv1a64(const std::string& bytes) {
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : bytes) hash = (hash ^ c) * 1099511628211ULL;
  return hash;
}

CheckpointHeader parse_header(std::istream& in, const std::filesystem::path& path) {
  std::string line;
  if (!std::getline(in, line) || (line != kMagic && line != kMagicV1)) {
    throw Error(path.string() + " is not a marl checkpoint (expected a first line '" +
                std::string(kMagic) + "')");
  }
  std::map<std::string, std::string> fields;
  while (std::getline(in, line) && !line.empty()) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) throw Error(path.string() + ": malformed checkpoint header line '" + line + "'");
    fields[line.substr(0, eq)] = line.substr(eq + 1);
  }
  CheckpointHeader header;
  header.algorithm = fields["algorithm"];
  header.algorithm_version = fields["algorithm_version"];
  header.env = fields["env"];
  // Digits only: std::stoull would take "-40" as 2^64 - 40.
  const auto number = [&](const char* key) -> uint64_t {
    const std::string text = fields.count(key) ? fields[key] : "0";
    uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
      throw Error(path.string() + ": malformed checkpoint header: " + key + "=" + text + " is not a non-negative integer");
    }
    return value;
  };
  header.env_steps = number("env_steps");
  header.seed = number("seed");
  header.runner_state_bytes = number("runner_state_bytes");
  if (header.algorithm.empty()) throw Error(path.string() + ": checkpoint header names no algorithm");
  // The payload's size and checksum (checkpoints written before they were
  // recorded have neither and are read unchecked).
  if (fields.count("payload_bytes") && fields.count("payload_fnv1a64")) {
    const uint64_t bytes = number("payload_bytes");
    const uint64_t checksum = number("payload_fnv1a64");
    const std::streampos start = in.tellg();
    std::string payload((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (payload.size() != bytes) {
      throw Error(path.string() + ": the checkpoint is truncated or padded (" + std::to_string(payload.size()) +
                  " bytes of state, the header says " + std::to_string(bytes) + ")");
    }
    if (fnv1a64(payload) != checksum) {
      throw Error(path.string() + ": the checkpoint's state does not match its checksum (the file is corrupted)");
    }
    if (header.runner_state_bytes > bytes) {
      throw Error(path.string() + ": malformed checkpoint header: runner_state_bytes=" +
                  std::to_string(header.runner_state_bytes) + " is more than the " + std::to_string(bytes) +
                  " bytes of state");
    }
    in.clear();
    in.seekg(start);
  } else if (header.runner_state_bytes > 0) {
    throw Error(path.string() + ": malformed checkpoint header: runner state without payload_bytes");
  }
  return header;
}

void write_checkpoint(const std::filesystem::path& path, const CheckpointHeader& header,
                      const std::string& runner_state, const std::string& payload) {
  write_file_atomic(path, [&](std::ostream& out) {
    out << kMagic << '\n'
        << "algorithm=" << header.algorithm << '\n'
        << "algorithm_version=" << header.algorithm_version << '\n'
        << "env=" << header.env << '\n'
        << "env_steps=" << header.env_steps << '\n'
        << "seed=" << header.seed << '\n'
        << "runner_state_bytes=" << runner_state.size() << '\n'
        << "payload_bytes=" << payload.size() << '\n'
        << "payload_fnv1a64=" << fnv1a64(payload) << "\n\n";
    out.write(payload.data(), static_cast<std::streamsize>(payload.size()));
  });
}

}  // namespace

void save_checkpoint(const std::filesystem::path& path, const CheckpointHeader& header,
                     const Algorithm& algorithm, const std::string& runner_state) {
  std::ostringstream state;
  state.write(runner_state.data(), static_cast<std::streamsize>(runner_state.size()));
  algorithm.save(state);
  write_checkpoint(path, header, runner_state, state.str());
}

void save_policy_checkpoint(const std::filesystem::path& path, const CheckpointHeader& header,
                            const Algorithm& algorithm) {
  std::ostringstream state;
  algorithm.save_policy(state);
  write_checkpoint(path, header, {}, state.str());
}

CheckpointHeader read_checkpoint_header(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open checkpoint " + path.string());
  return parse_header(in, path);
}

CheckpointHeader open_checkpoint_state(const std::filesystem::path& path,
                                       const std::string& expected_algorithm, std::ifstream& in) {
  in.open(path, std::ios::binary);
  if (!in) throw Error("cannot open checkpoint " + path.string());
  CheckpointHeader header = parse_header(in, path);
  if (header.algorithm != expected_algorithm) {
    throw Error(path.string() + " was saved by algorithm '" + header.algorithm +
                "', but the experiment uses '" + expected_algorithm + "'");
  }
  in.seekg(static_cast<std::streamoff>(header.runner_state_bytes), std::ios::cur);
  return header;
}

CheckpointHeader open_run_checkpoint(const std::filesystem::path& path,
                                     const std::string& expected_algorithm,
                                     const std::string& expected_env,
                                     const std::string& config_key, std::ifstream& in) {
  std::filesystem::path file = path;
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) file /= "checkpoint.bin";
  CheckpointHeader header;
  try {
    header = open_checkpoint_state(file, expected_algorithm, in);
  } catch (const Error& e) {
    throw ConfigError(config_key + e.what());
  }
  if (header.env != expected_env) {
    throw ConfigError(config_key + "the checkpoint was trained on env '" + header.env +
                      "', not '" + expected_env + "'");
  }
  return header;
}

CheckpointHeader load_checkpoint(const std::filesystem::path& path,
                                 const std::string& expected_algorithm, Algorithm& algorithm,
                                 std::string* runner_state) {
  std::ifstream in;
  CheckpointHeader header = open_checkpoint_state(path, expected_algorithm, in);
  if (runner_state) {
    runner_state->assign(header.runner_state_bytes, '\0');
    in.seekg(-static_cast<std::streamoff>(header.runner_state_bytes), std::ios::cur);
    in.read(runner_state->data(), static_cast<std::streamsize>(runner_state->size()));
  }
  try {
    algorithm.load(in);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error("cannot load checkpoint " + path.string() + ": " + e.what());
  }
  return header;
}

}  // namespace marl
