// Multi-layer perceptron used as actor/critic base, agent network and mixer
// hypernetwork.
//
// Why one module: every algorithm needs "Linear -> activation (-> LayerNorm)"
// stacks; differences between the reference implementations are config, not
// code. Defaults reproduce MAPPO's MLPBase (marlbenchmark/on-policy:
// hidden_size 64, layer_N 1 -> two hidden layers, ReLU, use_feature_normalization,
// LayerNorm after each hidden activation, orthogonal init). For PyMARL-style
// networks set feature_norm = layer_norm = false and init = TorchDefault.
//
// Contract: forward() accepts any leading dimensions, [..., input_size] ->
// [..., output_size()]. No activation is applied to the output layer.
// Parameter names (checkpoint keys) are feature_norm, hidden<i>, norm<i>, out.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "marl/torch/layer_init.h"

namespace marl {

struct MlpConfig {
  int64_t input_size = 0;
  std::vector<int64_t> hidden_sizes = {64, 64};
  int64_t output_size = 0;  // 0: no output layer, forward() returns the last hidden features
  Activation activation = Activation::Relu;
  bool feature_norm = true;  // LayerNorm on the input (MAPPO use_feature_normalization)
  bool layer_norm = true;    // LayerNorm after each hidden activation (MAPPO MLPLayer)
  InitScheme init = InitScheme::Orthogonal;
  double output_gain =
      1.0;  // orthogonal gain of the output layer (on-policy: 0.01 policy, 1 value)
};

class MlpImpl : public torch::nn::Module {
 public:
  // Draws the initial weights from `gen` (throws ConfigError on sizes <= 0).
  MlpImpl(const MlpConfig& config, torch::Generator& gen);

  torch::Tensor forward(const torch::Tensor& x);

  int64_t output_size() const { return output_size_; }
  const MlpConfig& config() const { return config_; }
  // The layers, for FusedMlp; empty / null where the config has none.
  const torch::nn::LayerNorm& feature_norm() const { return feature_norm_; }
  const std::vector<torch::nn::Linear>& hidden_layers() const { return hidden_; }
  const std::vector<torch::nn::LayerNorm>& hidden_norms() const { return norms_; }
  const torch::nn::Linear& output_layer() const { return out_; }

 private:
  MlpConfig config_;
  int64_t output_size_ = 0;
  torch::nn::LayerNorm feature_norm_{nullptr};
  std::vector<torch::nn::Linear> hidden_;
  std::vector<torch::nn::LayerNorm> norms_;
  torch::nn::Linear out_{nullptr};
};
TORCH_MODULE(Mlp);

}  // namespace marl
