#include "marl/torch/grid_encoder.h"

#include <cmath>
#include <string>

#include "marl/error.h"
#include "marl/torch/layer_init.h"

namespace marl {

namespace {

// Orthogonal weights (gain sqrt 2, for ReLU) from the init generator, zero bias.
void init_conv(torch::nn::Conv2dImpl& conv, torch::Generator& gen) {
  torch::NoGradGuard no_grad;
  orthogonal_(conv.weight, std::sqrt(2.0), gen);
  conv.bias.zero_();
}

}  // namespace

GridEncoderImpl::GridEncoderImpl(const GridEncoderConfig& config, torch::Generator& gen) : config_(config) {
  bool found = false;
  for (const ObsSegment& s : config.layout) {
    if (s.image_width > 0 && !found) {
      image_ = s;
      found = true;
    }
  }
  if (!found) {
    throw ConfigError("grid encoder: the observation has no image segment (EnvSpec::obs_layout with image_width), "
                      "e.g. hide_and_seek's window (obs_mode = \"window\")");
  }
  if (image_.offset + image_.size() > config.input_size) {
    throw ConfigError("grid encoder: image segment '" + image_.name + "' ends past the input");
  }
  height_ = image_.features / image_.image_width;
  std::vector<int64_t> rest;
  for (int64_t k = 0; k < config.input_size; ++k)
    if (k < image_.offset || k >= image_.offset + image_.size()) rest.push_back(k);
  rest_index_ = register_buffer("rest_index", torch::tensor(rest, torch::kInt64));
  const int64_t C = config.channels;
  conv1_ = register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(image_.count, C, 3).padding(1)));
  conv2_ = register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(C, C, 3).padding(1).stride(2)));
  init_conv(*conv1_, gen);
  init_conv(*conv2_, gen);
  const int64_t h = (height_ + 1) / 2, w = (image_.image_width + 1) / 2;
  out_ = register_module("out", torch::nn::Linear(C * h * w + static_cast<int64_t>(rest.size()), config.output_size));
  init_linear(*out_, InitScheme::Orthogonal, std::sqrt(2.0), gen);
}

torch::Tensor GridEncoderImpl::forward(const torch::Tensor& x) {
  auto lead = x.sizes().vec();
  lead.pop_back();
  const torch::Tensor rows = x.reshape({-1, x.size(-1)});
  const int64_t N = rows.size(0);
  const torch::Tensor image =
      rows.narrow(1, image_.offset, image_.size()).reshape({N, image_.count, height_, image_.image_width});
  const torch::Tensor h = torch::relu(conv2_->forward(torch::relu(conv1_->forward(image)))).flatten(1);
  torch::Tensor out = torch::relu(out_->forward(torch::cat({h, rows.index_select(1, rest_index_)}, 1)));
  lead.push_back(config_.output_size);
  return out.reshape(lead);
}

}  // namespace marl
