// Shared by the tests of run-directory files (test_run_files.cpp,
// test_resume_state.cpp): a fresh scratch folder and a minimal algorithm
// whose whole state is one number.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "marl/algorithm.h"

namespace marl::testing {

inline std::filesystem::path fresh_dir(const std::string& name) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("marl_test_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Saves and restores one number.
class NumberAlgorithm : public marl::Algorithm {
 public:
  double value = 0.0;
  void act(const marl::Batch&, marl::ActionBatch&, marl::ActMode) override {}
  void observe(const marl::Transition&) override {}
  bool ready_to_train() const override { return false; }
  void train(std::vector<double>&) override {}
  void save(std::ostream& out) const override { out << value; }
  void load(std::istream& in) override { in >> value; }
};

}  // namespace marl::testing
