// GridEncoder (marl/torch/grid_encoder.h): the image segment goes through the
// convolutions in the declared channel-major layout, the rest joins after;
// shapes for steps and sequences; an observation without an image is refused.
#include "catch_torch.h"

#include "marl/error.h"
#include "marl/torch/generator.h"
#include "marl/torch/grid_encoder.h"

namespace {

// 3 channels of a 5-wide, 4-high image (60 values), then 6 more values.
marl::GridEncoderConfig config() {
  marl::GridEncoderConfig c;
  c.layout = {{"window", 0, 3, 20, -1, 5}, {"self", 60, 1, 6, -1, 0}};
  c.input_size = 66;
  c.channels = 8;
  c.output_size = 16;
  return c;
}

}  // namespace

TEST_CASE("GridEncoder: shapes, and every input value reaches the output", "[torch][grid_encoder]") {
  torch::Generator gen = marl::make_generator(3);
  marl::GridEncoder enc(config(), gen);
  CHECK(enc->forward(torch::randn({7, 66}, gen)).sizes() == std::vector<int64_t>{7, 16});
  CHECK(enc->forward(torch::randn({2, 3, 66}, gen)).sizes() == std::vector<int64_t>{2, 3, 16});
  torch::Tensor x = torch::randn({32, 66}, gen).requires_grad_(true);
  enc->forward(x).sum().backward();
  // Each of the 66 input values moves the output for some sample.
  CHECK((x.grad().abs().sum(0) > 0).all().item<bool>());
  marl::GridEncoderConfig flat = config();
  flat.layout = {{"self", 0, 1, 66, -1, 0}};
  CHECK_THROWS_AS(marl::GridEncoder(flat, gen), marl::ConfigError);
}
