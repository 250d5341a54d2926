#include "mappo_algorithm.h"

#include <memory>

#include "mappo_team.h"

namespace marl::mappo {

namespace {
TeamAlgorithmConfig mappo_teams() {
  TeamAlgorithmConfig config;
  config.algorithm = "mappo";
  config.make_learner = [](const TeamContext& context) { return std::make_unique<MappoTeam>(context); };
  config.frozen_mismatch_hint = "(the network settings must match the checkpoint's run)";
  return config;
}
}  // namespace

MappoAlgorithm::MappoAlgorithm(const AlgorithmContext& context) : TeamAlgorithm(context, mappo_teams()) {}

}  // namespace marl::mappo
