// WorkerPlacement: reading torchrun's and Slurm's launch variables.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "marl/host/worker_placement.h"

namespace {

marl::WorkerPlacement place(const std::map<std::string, std::string>& vars) {
  return marl::placement_from_environment([&vars](const char* name) -> const char* {
    const auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  });
}

}  // namespace

TEST_CASE("worker placement: none, torchrun and Slurm", "[distributed]") {
  const marl::WorkerPlacement single = place({});
  CHECK(single.world_size == 1);
  CHECK(single.rank == 0);
  CHECK_FALSE(single.distributed());
  CHECK(single.launcher == "single");

  const marl::WorkerPlacement t = place({{"RANK", "3"},
                                         {"WORLD_SIZE", "4"},
                                         {"LOCAL_RANK", "1"},
                                         {"MASTER_ADDR", "node7"},
                                         {"MASTER_PORT", "29400"}});
  CHECK(t.launcher == "torchrun");
  CHECK(t.rank == 3);
  CHECK(t.world_size == 4);
  CHECK(t.local_rank == 1);
  CHECK(t.master_addr == "node7");
  CHECK(t.master_port == 29400);
  CHECK(t.distributed());
  CHECK_FALSE(t.is_main());

  const marl::WorkerPlacement s =
      place({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "2"}, {"SLURM_LOCALID", "0"}, {"MASTER_ADDR", "n1"}});
  CHECK(s.launcher == "slurm");
  CHECK(s.world_size == 2);
  CHECK(s.is_main());
  CHECK(s.master_port == 29500);  // torchrun's default when not given

  // torchrun with one process needs no master.
  CHECK(place({{"RANK", "0"}, {"WORLD_SIZE", "1"}}).world_size == 1);
}

TEST_CASE("worker placement: bad launch variables name the variable", "[distributed]") {
  using Catch::Contains;
  CHECK_THROWS_WITH(place({{"WORLD_SIZE", "2"}, {"MASTER_ADDR", "a"}}), Contains("RANK is not set"));
  CHECK_THROWS_WITH(place({{"RANK", "0"}, {"WORLD_SIZE", "0"}}), Contains("WORLD_SIZE='0'"));
  CHECK_THROWS_WITH(place({{"RANK", "2"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "a"}}), Contains("RANK='2'"));
  CHECK_THROWS_WITH(place({{"RANK", "x"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "a"}}), Contains("RANK='x'"));
  CHECK_THROWS_WITH(place({{"RANK", "0"}, {"WORLD_SIZE", "2"}}), Contains("MASTER_ADDR is not set"));
  CHECK_THROWS_WITH(place({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "a"}, {"MASTER_PORT", "70000"}}),
                    Contains("MASTER_PORT='70000'"));
  CHECK_THROWS_WITH(place({{"SLURM_PROCID", "1"}, {"MASTER_ADDR", "a"}}), Contains("SLURM_NTASKS is not set"));
  try {
    place({{"RANK", "0"}, {"WORLD_SIZE", "-1"}});
    FAIL("no error");
  } catch (const marl::Error&) {  // the CLI's exit 2
  }
}
