// An entity-centric observation encoder (Baker et al. 2019, "Emergent Tool
// Use From Multi-Agent Autocurricula", the policy of their Fig. 8): every
// entity of the observation (EnvSpec::obs_layout segments with a mask) is
// embedded, the embeddings attend to each other through masked residual
// self-attention, and a masked mean pools them; the pooled vector and the
// embedding of the rest of the observation (self features, walls, agent id)
// make the output.
//
//   self  = ReLU(W_s x_flat)                       x_flat: values outside entity segments
//   e_i   = ReLU(W_g x_i) + self                   per entity i of segment g
//   t     = [self, e_1 .. e_K]                     tokens; self always present
//   t'    = t + MHA(LN(t); keys masked where the entity is unseen)
//   pool  = mean of t' over self and the seen entities
//   out   = ReLU(W_o [self, pool])                 [.., output_size]
//
// Contract: an entity whose mask feature is 0 changes nothing in the output,
// whatever its other features hold (its key is masked, its token is not
// pooled): the policy cannot use what the agent does not see. Inputs are
// [B, input_size] or [T, B, input_size]; values past the layout (e.g. an
// appended agent id) count as flat features.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "marl/env.h"

namespace marl {

struct EntityEncoderConfig {
  std::vector<ObsSegment> layout;  // the env's EnvSpec::obs_layout
  int64_t input_size = 0;          // the whole input (>= the layout's end)
  int64_t embed_size = 64;
  int64_t heads = 4;               // embed_size must be a multiple
  int64_t output_size = 64;
};

class EntityEncoderImpl : public torch::nn::Module {
 public:
  EntityEncoderImpl(const EntityEncoderConfig& config, torch::Generator& gen);
  torch::Tensor forward(const torch::Tensor& x);

  const EntityEncoderConfig& config() const { return config_; }

 private:
  EntityEncoderConfig config_;
  std::vector<ObsSegment> entities_;  // segments with a mask
  torch::Tensor flat_index_;          // input columns outside them
  torch::nn::Linear self_{nullptr}, out_{nullptr};
  std::vector<torch::nn::Linear> embed_;  // per entity segment
  torch::nn::LayerNorm norm_{nullptr};
  torch::nn::MultiheadAttention attention_{nullptr};
};
TORCH_MODULE(EntityEncoder);

}  // namespace marl
