#include "marl/checkpoint.h"

#include <fstream>
#include <map>
#include <sstream>

#include "marl/algorithm.h"
#include "atomic_file.h"
#include "marl/error.h"

namespace marl {

namespace {
constexpr const char* kMagic = "MARL-CHECKPOINT 1";

CheckpointHeader parse_header(std::istream& in, const std::filesystem::path& path) {
  std::string line;
  if (!std::getline(in, line) || line != kMagic) {
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
  try {
    header.env_steps = std::stoull(fields.count("env_steps") ? fields["env_steps"] : "0");
    header.seed = std::stoull(fields.count("seed") ? fields["seed"] : "0");
  } catch (const std::exception&) {
    throw Error(path.string() + ": malformed checkpoint header (env_steps/seed are not numbers)");
  }
  if (header.algorithm.empty()) throw Error(path.string() + ": checkpoint header names no algorithm");
  return header;
}
}  // namespace

void save_checkpoint(const std::filesystem::path& path, const CheckpointHeader& header,
                     const Algorithm& algorithm) {
  write_file_atomic(path, [&](std::ostream& out) {
    out << kMagic << '\n'
        << "algorithm=" << header.algorithm << '\n'
        << "algorithm_version=" << header.algorithm_version << '\n'
        << "env=" << header.env << '\n'
        << "env_steps=" << header.env_steps << '\n'
        << "seed=" << header.seed << "\n\n";
    algorithm.save(out);
  });
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
                                 const std::string& expected_algorithm, Algorithm& algorithm) {
  std::ifstream in;
  CheckpointHeader header = open_checkpoint_state(path, expected_algorithm, in);
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
