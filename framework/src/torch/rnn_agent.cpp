#include "marl/torch/rnn_agent.h"

#include "marl/torch/layer_init.h"

namespace marl {

RnnAgentImpl::RnnAgentImpl(const RnnAgentConfig& config, torch::Generator& gen)
    : config_(config) {
  fc1_ = register_module("fc1", torch::nn::Linear(config.input_size, config.hidden_size));
  init_linear(*fc1_, InitScheme::TorchDefault, 1.0, gen);
  GruConfig gc;
  gc.input_size = config.hidden_size;
  gc.hidden_size = config.hidden_size;
  gc.num_layers = 1;
  gc.layer_norm = false;
  gc.init = InitScheme::TorchDefault;
  gru_ = register_module("rnn", GruBlock(gc, gen));
  fc2_ = register_module("fc2", torch::nn::Linear(config.hidden_size, config.num_actions));
  init_linear(*fc2_, InitScheme::TorchDefault, 1.0, gen);
}

torch::Tensor RnnAgentImpl::step(const torch::Tensor& x, torch::Tensor& hidden,
                                     const torch::Tensor& masks) {
  auto h = torch::relu(fc1_->forward(x));
  auto out = gru_->step(h, hidden, masks);
  hidden = out.hidden;
  return fc2_->forward(out.output);
}

torch::Tensor RnnAgentImpl::sequence(const torch::Tensor& x) {
  auto h = torch::relu(fc1_->forward(x));
  auto out = gru_->sequence(h, gru_->initial_hidden(x.size(1)));
  return fc2_->forward(out.output);
}

}  // namespace marl
