// marl timeline: the first env step at which a condition on a metrics column
// holds, and the step from which it holds to the end, on a hand-written run.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "cli_runner.h"

namespace fs = std::filesystem;
using marl::testing::run_cli;

TEST_CASE("marl timeline reports when each condition first holds and from when it stays", "[cli][timeline]") {
  const fs::path dir = marl::testing::scratch_dir("timeline") / "run";
  fs::create_directories(dir);
  marl::testing::write_text(dir, "run.json", "{\n  \"status\": \"completed\",\n  \"experiment\": \"x\"\n}\n");
  marl::testing::write_text(dir, "eval.csv",
                            "env_steps,episodes,doors_blocked_prep,hidden_frac\n"
                            "1000,10,0.1,0.5\n"
                            "2000,10,0.6,0.4\n"
                            "3000,10,0.2,0.3\n"
                            "4000,10,0.7,0.2\n"
                            "5000,10,0.9,0.1\n");
  const auto r = run_cli("timeline " + dir.string() +
                         " --eval --when doors_blocked_prep\\>0.5 --when hidden_frac\\<0.05 --when hidden_frac\\<0.45");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Matches("(.|\\n)*doors_blocked_prep>0\\.5 +2000 +4000(.|\\n)*"));
  CHECK_THAT(r.output, Catch::Matches("(.|\\n)*hidden_frac<0\\.05 +never +never(.|\\n)*"));
  CHECK_THAT(r.output, Catch::Matches("(.|\\n)*hidden_frac<0\\.45 +2000 +2000(.|\\n)*"));
  // A malformed condition and a missing column are errors naming them.
  CHECK(run_cli("timeline " + dir.string() + " --eval --when doors=1").exit_code == 2);
  const auto missing = run_cli("timeline " + dir.string() + " --eval --when nope\\>1");
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.output, Catch::Contains("nope"));
}
