// EntityEncoder (marl/torch/entity_encoder.h): output shapes for one step and
// for sequences, and the contract a policy relies on: an entity the agent
// does not see (mask 0) changes nothing in the output, whatever its
// features; a seen one does.
#include "catch_torch.h"

#include <tuple>

#include "marl/error.h"
#include "marl/torch/entity_encoder.h"
#include "marl/torch/generator.h"

namespace {

// self 5 | walls 9 | agents 3 x 4 (mask at 0) | objects 2 x 3 (mask at 0) | 2 id values
marl::EntityEncoderConfig config() {
  marl::EntityEncoderConfig c;
  c.layout = {{"self", 0, 1, 5, -1}, {"walls", 5, 1, 9, -1}, {"agents", 14, 3, 4, 0}, {"objects", 26, 2, 3, 0}};
  c.input_size = 34;
  c.embed_size = 16;
  c.heads = 4;
  c.output_size = 8;
  return c;
}

torch::Tensor random_obs(int64_t rows, torch::Generator& gen) {
  torch::Tensor x = torch::randn({rows, 34}, gen);
  // Mask features: seen or not at random.
  for (int64_t at : {14, 18, 22, 26, 29}) x.select(1, at).copy_((torch::rand({rows}, gen) > 0.5).to(torch::kFloat32));
  return x;
}

}  // namespace

TEST_CASE("EntityEncoder: shapes for steps and sequences", "[torch][entity_encoder]") {
  torch::Generator gen = marl::make_generator(1);
  marl::EntityEncoder enc(config(), gen);
  CHECK(enc->forward(random_obs(6, gen)).sizes() == std::vector<int64_t>{6, 8});
  CHECK(enc->forward(random_obs(12, gen).reshape({3, 4, 34})).sizes() == std::vector<int64_t>{3, 4, 8});
  marl::EntityEncoderConfig bad = config();
  bad.heads = 3;  // 16 is not a multiple
  CHECK_THROWS_AS(marl::EntityEncoder(bad, gen), marl::ConfigError);
  bad = config();
  bad.layout = {{"self", 0, 1, 34, -1}};  // no entities
  CHECK_THROWS_AS(marl::EntityEncoder(bad, gen), marl::ConfigError);
}

TEST_CASE("EntityEncoder: unseen entities cannot change the output, seen ones do", "[torch][entity_encoder]") {
  torch::Generator gen = marl::make_generator(2);
  marl::EntityEncoder enc(config(), gen);
  torch::NoGradGuard no_grad;
  const torch::Tensor x = random_obs(64, gen);
  const torch::Tensor y = enc->forward(x);
  // Scramble every feature of every unseen entity (the mask stays 0).
  torch::Tensor scrambled = x.clone();
  for (const auto& [offset, count, features] : std::vector<std::tuple<int64_t, int64_t, int64_t>>{{14, 3, 4}, {26, 2, 3}}) {
    for (int64_t k = 0; k < count; ++k) {
      const int64_t at = offset + k * features;
      const torch::Tensor unseen = x.select(1, at) == 0;
      for (int64_t f = 1; f < features; ++f) {
        scrambled.select(1, at + f).copy_(torch::where(unseen, torch::randn({64}, gen) * 100, x.select(1, at + f)));
      }
    }
  }
  CHECK(torch::equal(enc->forward(scrambled), y));
  // A seen entity's features do matter.
  torch::Tensor moved = x.clone();
  moved.select(1, 14).fill_(1.0f);
  moved.select(1, 15).add_(1.0f);
  CHECK((enc->forward(moved) - y).abs().max().item<double>() > 1e-4);
}
