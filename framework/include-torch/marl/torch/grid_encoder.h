// A convolutional observation encoder for an image segment of the
// observation (EnvSpec::obs_layout, ObsSegment::image_width > 0), such as
// hide_and_seek's channel window: two 3x3 convolutions (the second with
// stride 2), flattened, joined with the rest of the observation (self
// features, agent id) and a Linear layer.
//
//   h   = ReLU(conv3x3 s2(ReLU(conv3x3(image))))      [channels, ceil(H/2), ceil(W/2)]
//   out = ReLU(W [flatten(h), x_rest])                 [.., output_size]
//
// Inputs are [B, input_size] or [T, B, input_size].
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "marl/env.h"

namespace marl {

struct GridEncoderConfig {
  std::vector<ObsSegment> layout;  // the env's EnvSpec::obs_layout (one image segment is read)
  int64_t input_size = 0;
  int64_t channels = 32;
  int64_t output_size = 64;
};

class GridEncoderImpl : public torch::nn::Module {
 public:
  GridEncoderImpl(const GridEncoderConfig& config, torch::Generator& gen);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  GridEncoderConfig config_;
  ObsSegment image_;
  int64_t height_ = 0;
  torch::Tensor rest_index_;  // input columns outside the image
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  torch::nn::Linear out_{nullptr};
};
TORCH_MODULE(GridEncoder);

}  // namespace marl
