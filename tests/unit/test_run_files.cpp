// The files a run directory is made of: atomic writes, metrics.csv, run.json,
// checkpoints, episode statistics.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <istream>
#include <ostream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unistd.h>

#include "marl/algorithm.h"
#include "run_file_fixtures.h"
#include "atomic_file.h"
#include "marl/checkpoint.h"
#include "marl/host/episode_stats.h"
#include "marl/error.h"
#include "marl/host/metrics_csv.h"
#include "marl/host/run_status.h"
#include "marl/host/thread_pool.h"

namespace fs = std::filesystem;
using marl::testing::fresh_dir;
using marl::testing::NumberAlgorithm;

TEST_CASE("atomic writes replace files whole and leave no temporaries", "[run_files]") {
  const fs::path dir = fresh_dir("atomic");
  marl::write_file_atomic(dir / "a.txt", "first");
  marl::write_file_atomic(dir / "a.txt", "second");
  CHECK(marl::read_file(dir / "a.txt") == "second");
  int entries = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    (void)entry;
    ++entries;
  }
  CHECK(entries == 1);
  CHECK_THROWS_AS(marl::write_file_atomic(dir / "missing" / "b.txt", "x"), marl::Error);
  CHECK_THROWS_AS(marl::read_file(dir / "nope.txt"), marl::Error);
  // A writer that fails part-way leaves neither the file nor its temporary.
  CHECK_THROWS_AS(marl::write_file_atomic(dir / "c.txt",
                                          [](std::ostream& out) {
                                            out << "half";
                                            throw std::runtime_error("injected failure");
                                          }),
                  std::runtime_error);
  entries = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    (void)entry;
    ++entries;
  }
  CHECK(entries == 1);
  fs::remove_all(dir);
}

TEST_CASE("a full disk is an error naming the file, never a half row", "[run_files]") {
  if (!fs::exists("/dev/full")) return;  // Linux's always-full device; absent elsewhere
  const fs::path dir = fresh_dir("full");
  fs::create_symlink("/dev/full", dir / "metrics.csv");
  CHECK_THROWS_WITH(marl::MetricsCsv(dir / "metrics.csv", {"a", "b"}),
                    Catch::Contains((dir / "metrics.csv").string()) && Catch::Contains("the disk is full"));
  fs::remove_all(dir);
}

TEST_CASE("metrics.csv rows round-trip doubles and leave NaN empty", "[run_files]") {
  CHECK(marl::MetricsCsv::format(3.0) == "3");
  CHECK(marl::MetricsCsv::format(std::nan("")) == "");
  const double third = 1.0 / 3.0;
  CHECK(std::stod(marl::MetricsCsv::format(third)) == third);
  CHECK(marl::MetricsCsv::format(0.25) == "0.25");

  const fs::path dir = fresh_dir("csv");
  {
    marl::MetricsCsv csv(dir / "m.csv", {"a", "b"});
    csv.append({1.0, std::nan("")});
    CHECK_THROWS_AS(csv.append({1.0}), marl::Error);
  }
  CHECK(marl::read_file(dir / "m.csv") == "a,b\n1,\n");
  fs::remove_all(dir);
}

TEST_CASE("run.json is valid and readable back", "[run_files]") {
  const fs::path dir = fresh_dir("status");
  marl::RunStatus status;
  status.status = "failed";
  status.experiment = "x";
  status.error = "bad \"quote\"\nnext";
  status.env_steps = 42;
  marl::write_run_status(dir, status);
  CHECK(marl::read_run_status_field(dir, "status") == "failed");
  CHECK(marl::read_run_status_field(dir, "env_steps") == "42");
  CHECK(marl::read_run_status_field(dir, "error") == "bad \"quote\"nnext");
  CHECK(marl::json_escape("a\"b\\c\n") == "a\\\"b\\\\c\\n");
  fs::remove_all(dir);
}

TEST_CASE("checkpoints round-trip the algorithm state and check its name", "[run_files]") {
  const fs::path dir = fresh_dir("ckpt");
  NumberAlgorithm saved;
  saved.value = 2.5;
  marl::save_checkpoint(dir / "c.bin", {"number", "1.0", "env", 100, 3}, saved);
  const marl::CheckpointHeader header = marl::read_checkpoint_header(dir / "c.bin");
  CHECK(header.algorithm == "number");
  CHECK(header.env_steps == 100);
  CHECK(header.seed == 3);
  NumberAlgorithm loaded;
  marl::load_checkpoint(dir / "c.bin", "number", loaded);
  CHECK(loaded.value == 2.5);
  CHECK_THROWS_WITH(marl::load_checkpoint(dir / "c.bin", "other", loaded), Catch::Contains("'number'"));
  marl::write_file_atomic(dir / "junk.bin", "hello");
  CHECK_THROWS_WITH(marl::read_checkpoint_header(dir / "junk.bin"), Catch::Contains("not a marl checkpoint"));
  // A flipped byte, a truncation and a negative counter are refused, naming the file.
  std::string bytes;
  {
    std::ifstream in(dir / "c.bin", std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::string flipped = bytes;
  flipped.back() = flipped.back() == '5' ? '6' : '5';
  marl::write_file_atomic(dir / "flipped.bin", flipped);
  CHECK_THROWS_WITH(marl::load_checkpoint(dir / "flipped.bin", "number", loaded),
                    Catch::Contains("flipped.bin") && Catch::Contains("does not match its checksum"));
  marl::write_file_atomic(dir / "short.bin", bytes.substr(0, bytes.size() - 1));
  CHECK_THROWS_WITH(marl::read_checkpoint_header(dir / "short.bin"), Catch::Contains("truncated"));
  std::string negative = bytes;
  negative.replace(negative.find("env_steps=100"), 13, "env_steps=-40");
  marl::write_file_atomic(dir / "negative.bin", negative);
  CHECK_THROWS_WITH(marl::read_checkpoint_header(dir / "negative.bin"),
                    Catch::Contains("env_steps=-40 is not a non-negative integer"));
  fs::remove_all(dir);
}

TEST_CASE("episode stats average per agent, per team and per metric", "[run_files]") {
  marl::EnvSpec spec;
  spec.teams = {"hiders", "seekers"};
  spec.agents = {{"h0", 0, {1}, marl::ActionSpace::discrete(2)},
                 {"h1", 0, {1}, marl::ActionSpace::discrete(2)},
                 {"s0", 1, {1}, marl::ActionSpace::discrete(2)}};
  spec.episode_metrics = {"hidden_frac"};
  marl::EpisodeStats stats(spec);
  CHECK(std::isnan(stats.mean_return()));
  stats.add({0, 10, {1.0, 3.0, -2.0}, {0.5}, false});
  stats.add({1, 20, {3.0, 5.0, -4.0}, {1.0}, true});
  CHECK(stats.count() == 2);
  CHECK(stats.team_mean_return(0) == Approx(3.0));
  CHECK(stats.team_mean_return(1) == Approx(-3.0));
  CHECK(stats.mean_return() == Approx(1.0));
  const auto names = stats.column_names();
  const auto values = stats.column_values();
  REQUIRE(names.size() == values.size());
  CHECK(names == std::vector<std::string>{"return_mean", "return_hiders", "return_seekers", "return_h0",
                                          "return_h1", "return_s0", "episode_length", "hidden_frac"});
  CHECK(values[6] == Approx(15.0));
  CHECK(values[7] == Approx(0.75));
}

TEST_CASE("thread pool covers every index once and rethrows errors", "[thread_pool]") {
  marl::ThreadPool pool(3);
  std::vector<int> hits(101, 0);
  pool.parallel_for(101, [&](int begin, int end) {
    for (int i = begin; i < end; ++i) ++hits[i];
  });
  for (int h : hits) REQUIRE(h == 1);
  CHECK_THROWS_WITH(pool.parallel_for(10, [](int begin, int) {
    if (begin > 0) throw std::runtime_error("worker failed");
  }), "worker failed");
  // Still usable after an error.
  int sum = 0;
  std::mutex m;
  pool.parallel_for(4, [&](int begin, int end) {
    std::lock_guard<std::mutex> lock(m);
    sum += end - begin;
  });
  CHECK(sum == 4);
}
