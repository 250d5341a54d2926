// The env conformance check (marl::testing) on the env class and on the built
// plugin file, as marl loads it. Run by CTest: `ctest --test-dir build`.
#include <iostream>
#include <memory>

#include "marl/testing/env_conformance.h"
#include "marl/testing/plugin_env.h"
#include "rendezvous_env.h"

namespace {

bool conforms(const char* what, const marl::testing::EnvMaker& make_env) {
  marl::testing::ConformanceOptions options;
  options.env_name = "rendezvous";
  const marl::testing::ConformanceReport report = marl::testing::find_conformance_violations(make_env, options);
  std::cout << what << ": " << (report.ok() ? "conforms" : "VIOLATIONS") << '\n' << report.summary();
  return report.ok();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " <path to libmarl_env_rendezvous.so>\n";
    return 2;
  }
  try {
    bool ok = conforms("Rendezvous at its defaults", [] {
      return std::make_shared<rendezvous::Rendezvous>(marl::Params::defaults(rendezvous::rendezvous_params()));
    });
    ok = conforms("Rendezvous with a small ring", [] {
      return std::make_shared<rendezvous::Rendezvous>(
          marl::Params::defaults(rendezvous::rendezvous_params(), {{"cells", int64_t{2}}}));
    }) && ok;
    // The plugin file with parameters as an experiment file would set them.
    ok = conforms("the plugin file", marl::testing::plugin_env_maker(argv[1], {"cells = 5", "max_steps = 7"})) && ok;
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 2;
  }
}
